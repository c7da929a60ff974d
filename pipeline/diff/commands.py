"""CLI commands of the diff stage."""
import click

commands: list[click.Command] = []
