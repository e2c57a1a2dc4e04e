"""Stage 3, the clips: the plan of every output (clips, posters, subtitles, chapters, the film's web
rendition) as jobs of steps, and building what is not current; exact clips are cut the smart way."""

from __future__ import annotations

from catalogue.cutting.jobs import MODES, CutListener, Job, Step, build, pending_steps, plan_cut
from catalogue.cutting.rendition import ENCODER, target_size

__all__ = [
    "build", "CutListener", "ENCODER", "Job", "MODES", "pending_steps", "plan_cut", "Step", "target_size",
]
