"""`catalogue pack`: an offline lesson pack (zip) of a theme or a session. (Being built: issue 12.)"""

from __future__ import annotations

import click

from catalogue.errors import CatalogueError


@click.command()
@click.argument("target", metavar="THEME|SESSION")
@click.pass_obj
def pack(settings: object, target: str) -> None:
    """Make an offline lesson pack (zip) of a theme or a session."""
    raise CatalogueError("catalogue pack is not built yet")
