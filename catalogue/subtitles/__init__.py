"""Subtitles: WebVTT and SRT read strictly into cues, WebVTT written, the readability lint, an editor's
VTT file edited in place (format-preserving), and what a track is called in the player."""

from __future__ import annotations

from catalogue.subtitles.cues import MAX_CHARS_PER_SECOND, MAX_CUE_MS, MAX_LINE_CHARS, clip_cues, escape_text, format_vtt, lint_cues, read_cues
from catalogue.subtitles.document import VttChangedError, VttCue, VttDocument, VttEditError, lint_document, save_vtt
from catalogue.subtitles.descriptions import TranscriptLine, brisk_ms, descriptive_transcript, fit_problems, transcript_lines
from catalogue.subtitles.labels import LANGUAGE_NAMES, MACHINE_MADE_LABEL, language_name, track_label

__all__ = [
    "brisk_ms", "descriptive_transcript", "fit_problems", "TranscriptLine", "transcript_lines",
    "clip_cues", "escape_text", "format_vtt", "language_name", "LANGUAGE_NAMES", "lint_cues", "lint_document",
    "MACHINE_MADE_LABEL", "MAX_CHARS_PER_SECOND", "MAX_CUE_MS", "MAX_LINE_CHARS", "read_cues", "save_vtt",
    "track_label", "VttChangedError", "VttCue", "VttDocument", "VttEditError",
]
