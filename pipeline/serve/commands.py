"""CLI commands of the serve stage."""
import click

commands: list[click.Command] = []
