"""For trainers: sessions (ready-made and in a URL), resolved into steps; offline lesson packs with
their printable guide."""

from __future__ import annotations

from catalogue.lessons.sessions import DEFAULT_TITLE, ResolvedStep, SessionError, find_session, parse_session_query, resolve, session_query, theme_session, total_duration_ms
from catalogue.lessons.pack import PackError, PackTarget, cached_pack, default_output, plan_pack, resolve_target, target_from_query, write_pack
from catalogue.lessons.pdf import PackStopped, PdfError, find_chromium
from catalogue.lessons.cache import PackBusyError, cached_url_pack, url_pack_folder
from catalogue.lessons.quality import QUALITIES

__all__ = [
    "cached_pack", "default_output", "DEFAULT_TITLE", "find_chromium", "find_session", "PackError",
    "PackTarget", "parse_session_query", "PdfError", "plan_pack", "QUALITIES", "resolve", "resolve_target", "ResolvedStep",
    "session_query", "SessionError", "target_from_query", "theme_session", "total_duration_ms", "write_pack",
    "cached_url_pack", "PackBusyError", "PackStopped", "url_pack_folder",
]
