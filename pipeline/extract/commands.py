"""CLI commands of the extract stage."""
import click

commands: list[click.Command] = []
