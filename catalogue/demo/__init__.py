"""`catalogue demo`: a synthetic film, Dutch demo subtitles and a cut list covering the six themes,
clearly marked as demo content."""

from __future__ import annotations

from catalogue.demo.generator import make_demo

__all__ = [
    "make_demo",
]
