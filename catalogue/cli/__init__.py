"""The `catalogue` command: a click group whose commands each call one library function."""

from __future__ import annotations

from catalogue.cli.commands import cli, main

__all__ = [
    "cli", "main",
]
