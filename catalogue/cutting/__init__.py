"""Stage 3, the clips: the plan of every output (clips, posters, subtitles, chapters, the film's web
rendition) as jobs of steps, and building what is not current; exact clips are cut the smart way."""

from __future__ import annotations

from catalogue.cutting.jobs import MODES, CutListener, Job, Step, build, pending_steps
from catalogue.cutting.describing import described_holds, plan_cut, voice_settings
from catalogue.cutting.voice import VoiceError, find_voice, speak
from catalogue.cutting.rendition import ENCODER, target_size

__all__ = [
    "described_holds", "find_voice", "speak", "VoiceError", "voice_settings",
    "build", "CutListener", "ENCODER", "Job", "MODES", "pending_steps", "plan_cut", "Step", "target_size",
]
