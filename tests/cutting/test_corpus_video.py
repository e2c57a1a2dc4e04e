"""Every real video of ../shared/corpus/video cuts a 1-second clip or fails with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.cutting.jobs import build, plan_cut
from catalogue.media.runner import probe
from catalogue.media import probe_cached
from catalogue.settings import Settings
from conftest import CORPUS, write_cutlist

VIDEO_DIR = CORPUS / "video"
SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp", ".ogg"}
VIDEOS = sorted(p for p in VIDEO_DIR.rglob("*") if p.suffix.lower() in SUFFIXES) if VIDEO_DIR.is_dir() else []


@pytest.mark.skipif(not VIDEOS, reason=f"shared corpus not present at {VIDEO_DIR}")
@pytest.mark.parametrize("video", VIDEOS, ids=[str(p.relative_to(VIDEO_DIR)) for p in VIDEOS])
@pytest.mark.timeout(120)
def test_corpus_video_cuts_one_second_or_fails_clearly(video: Path, tmp_path: Path) -> None:
    settings = Settings(root=tmp_path)
    write_cutlist(tmp_path / "media" / "film.toml", f'''
        [film]
        id = "corpus"
        title = "Corpus"
        video = {str(video)!r}
        language = "nl"
        [[theme]]
        id = "impact"
        title = "Impact"
        [[clip]]
        id = "een-seconde"
        title = "Eén seconde"
        themes = ["impact"]
        start = 0
        end = 1
    ''')
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    if report.errors:  # unreadable, no video, shorter than the clip: said plainly, about the video field
        assert all(p.field in ("video", "end") and p.message for p in report.errors), report.errors
        assert any(video.name in p.message or p.field == "end" for p in report.errors)
        return
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    summary = build(settings, jobs)
    failures = {**unplannable, **summary.failed}
    for message in failures.values():
        assert video.name in message
    clip = settings.clips_dir / "een-seconde.mp4"
    if "een-seconde" in failures:
        assert not clip.exists()
        return
    info = probe(clip)
    assert info.video is not None and info.video.codec == "h264" and info.video.pix_fmt == "yuv420p"
    assert 900 <= info.duration_ms <= 1100
    assert not [p for p in settings.clips_dir.iterdir() if p.name.startswith(".")]
