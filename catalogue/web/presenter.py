"""Presenter mode and the session/theme embeds: pages that run templates/static/session-player.js."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
