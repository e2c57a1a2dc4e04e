"""Stage 5, the public site: Starlette + Jinja2, Dutch interface (PRODUCT §4)."""

from __future__ import annotations

from catalogue.web.app import SecurityHeaders, create_app
from catalogue.web.origin import check_media_origin
from catalogue.web.publish import PublishReport, publish_catalogue

__all__ = ["check_media_origin", "create_app", "publish_catalogue", "PublishReport", "SecurityHeaders"]
