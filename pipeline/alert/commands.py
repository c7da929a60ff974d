"""CLI commands of the alert stage."""
import click

commands: list[click.Command] = []
