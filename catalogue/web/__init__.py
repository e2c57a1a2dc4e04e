"""Stage 5, the public site: Starlette + Jinja2, Dutch interface (PRODUCT §4)."""

from __future__ import annotations

from catalogue.web.app import SecurityHeaders, create_app

__all__ = ["SecurityHeaders", "create_app"]
