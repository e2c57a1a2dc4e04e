"""Stage 1, the cut list: reading and checking every cut list of a catalogue (every problem named by
file, id and field), and the format-preserving edits that the studio and `transcribe` make to it.
Also who appears where (`[[person]]`) and what their consent allows on a given day (`plan_consent`),
with the tombstones of withdrawn clips: every later stage reads those decisions from here."""

from __future__ import annotations

from catalogue.cutlist.checker import Catalogue, Report
from catalogue.cutlist.loading import check_cutlists
from catalogue.cutlist.editing import CutListChangedError, set_reviewed, set_subtitles
from catalogue.cutlist.site import REVIEWS, SiteCheck, SiteSettings, VoiceSettings, check_site
from catalogue.cutlist.clip_edits import ClipEditError, ClipNotFoundError, plan_clip, plan_delete_clip, write_cutlist
from catalogue.cutlist.consent import GONE_NOTICE, Consent, consent_today, find_person, merge_ranges, overlaps, plan_consent, withheld_uses
from catalogue.cutlist.person_edits import PersonEditError, plan_appearance, plan_withdrawn
from catalogue.cutlist.tombstones import (Tombstone, Tombstones, add_tombstones, consent_dir, person_hash, read_salt,
                                          read_tombstones, sync_gone)

__all__ = [
    "add_tombstones", "Catalogue", "check_cutlists", "check_site", "ClipEditError", "ClipNotFoundError", "Consent",
    "consent_dir", "consent_today", "CutListChangedError", "find_person", "GONE_NOTICE", "merge_ranges", "overlaps",
    "person_hash", "PersonEditError", "plan_appearance", "plan_clip", "plan_consent", "plan_delete_clip",
    "plan_withdrawn", "read_salt", "read_tombstones", "Report", "REVIEWS", "set_reviewed", "set_subtitles",
    "SiteCheck", "SiteSettings", "sync_gone", "Tombstone", "Tombstones", "VoiceSettings", "withheld_uses",
    "write_cutlist",
]
