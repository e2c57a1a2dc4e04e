"""The editors' studio: a local app (its own Starlette app, not the public site) for making clips
from what is said in a film and reviewing its captions. Run by `catalogue studio`."""

from __future__ import annotations

from catalogue.studio.app import create_studio_app

__all__ = ["create_studio_app"]
