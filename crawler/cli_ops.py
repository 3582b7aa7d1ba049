"""CLI commands of this area (placeholder until the area's issue lands)."""

import click


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
