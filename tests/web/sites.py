"""A small catalogue for the web tests, made the way an editor makes one: a film, its
transcripts and a cut list, then `check`, `cut` and `index` (in-process)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

from catalogue.cutlist import check_cutlists
from catalogue.cutting import build, plan_cut
from catalogue.media import probe_cached
from catalogue.search import build_index
from catalogue.settings import Settings

Cues = list[tuple[str, str, str]]  # (start, end, text) as written in a WebVTT file


def vtt_text(cues: Cues) -> str:
    return "\n".join(["WEBVTT", ""] + [line for start, end, text in cues for line in (f"{start} --> {end}", text, "")])


def build_site(root: Path, film: Path, cutlist: str, transcripts: dict[str, Cues | str]) -> Settings:
    """`root` with media/film.mp4 (a copy of `film`), transcripts/<name> for each of
    `transcripts` (cues, or a file's whole text), media/film.toml (`cutlist`, dedented),
    every clip cut and the search index built."""
    (root / "media").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(film, root / "media" / "film.mp4")
    (root / "transcripts").mkdir(exist_ok=True)
    for name, content in transcripts.items():
        text = content if isinstance(content, str) else vtt_text(content)
        (root / "transcripts" / name).write_text(text, encoding="utf-8")
    (root / "media" / "film.toml").write_text(textwrap.dedent(cutlist).lstrip(), encoding="utf-8")
    settings = Settings(root=root)
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    assert not unplannable, unplannable
    summary = build(settings, jobs)
    assert not summary.failed, summary.failed
    build_index(settings, report.catalogue(), report)
    return settings


def unversioned(url: str) -> str:
    """A media URL without its content hash (catalogue.web.delivery): `/media/clips/x.<hash>.mp4` →
    `/media/clips/x.mp4`, `/media/hls/clips/x.<hash>/master.m3u8` → `/media/hls/clips/x/master.m3u8`."""
    return re.sub(r"\.[0-9a-f]{16}(?=[./])", "", url)
