"""CLI commands of the bench stage."""
import click

commands: list[click.Command] = []
