"""Stage 1, the cut list: reading and checking every cut list of a catalogue (every problem named by
file, id and field), and the format-preserving edits that the studio and `transcribe` make to it."""

from __future__ import annotations

from catalogue.cutlist.checker import Catalogue, Report
from catalogue.cutlist.loading import check_cutlists
from catalogue.cutlist.editing import CutListChangedError, set_reviewed, set_subtitles
from catalogue.cutlist.clip_edits import ClipEditError, ClipNotFoundError, plan_clip, plan_delete_clip, write_cutlist

__all__ = [
    "Catalogue", "check_cutlists", "ClipEditError", "ClipNotFoundError", "CutListChangedError", "plan_clip",
    "plan_delete_clip", "Report", "set_reviewed", "set_subtitles", "write_cutlist",
]
