"""CLI commands of the fetch stage."""
import click

commands: list[click.Command] = []
