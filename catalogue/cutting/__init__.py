"""Stage 3, the clips: the plan of every output (clips, posters, subtitles, chapters, the film's web
rendition) as jobs of steps, and building what is not current; exact clips are cut the smart way.
A film whose consent decisions redact ranges gets a redacted rendition (a slate and silence, made
again only where a range is) and keeps those ranges out of its subtitles, posters and clips."""

from __future__ import annotations

from catalogue.cutting.jobs import MODES, CutListener, Job, Step, build, pending_steps, remove_outputs, without_ladder
from catalogue.cutting.describing import described_holds, plan_cut, planned_outputs, stale_described, voice_settings
from catalogue.cutting.redaction import SLATE_TEXT, redaction_problems, slate_png
from catalogue.cutting.voice import VoiceError, find_voice, speak
from catalogue.cutting.rendition import ENCODER, target_size

__all__ = [
    "build", "CutListener", "described_holds", "ENCODER", "find_voice", "Job", "MODES", "pending_steps", "plan_cut",
    "planned_outputs", "redaction_problems", "remove_outputs", "SLATE_TEXT", "slate_png", "speak", "stale_described", "Step",
    "target_size", "VoiceError", "voice_settings", "without_ladder",
]
