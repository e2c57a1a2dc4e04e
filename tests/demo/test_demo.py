"""The demo: its timeline, texts and cut list are valid, and a rerun remakes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from catalogue.demo import generator as demo
from catalogue.cutlist import check_cutlists
from catalogue.demo.generator import FILM_ID, Timeline, film_args, make_demo, plan_timeline
from catalogue.demo.script import THEMES
from catalogue.media.runner import ffmpeg_exe, probe, run_ffmpeg
from catalogue.media import probe_cached
from catalogue.settings import Settings
from catalogue.subtitles import read_cues

SIX_THEMES = ["rekrutering", "omgaan-met-grenzen", "diversiteit", "projectmanagement", "impact",
              "duurzame-verankering"]


def test_demo_timeline_is_eight_to_ten_minutes_with_every_theme() -> None:
    timeline = plan_timeline()
    assert 8 * 60_000 <= timeline.duration_ms <= 10 * 60_000
    assert [theme.id for theme in THEMES] == SIX_THEMES
    assert all(2 <= len(theme.clips) <= 3 for theme in THEMES)
    starts = [timed.start_ms for _, _, timed in timeline.lines]
    assert starts == sorted(starts)
    assert all(a.end_ms < b.start_ms for (_, _, a), (_, _, b) in zip(timeline.lines, timeline.lines[1:]))


def _stand_in_film(path: Path, duration_ms: int) -> None:
    """A cheap film as long as the demo's, so the texts can be checked without the real encode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    f"color=c=gray:s=64x36:r=1:d={duration_ms / 1000}", "-c:v", "libx264", str(path)], check=True)


def test_demo_texts_pass_check_without_errors_or_warnings_and_rerun_makes_nothing(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path)
    _stand_in_film(settings.media_dir / "demo" / f"{FILM_ID}.mp4", plan_timeline().duration_ms)
    made = make_demo(settings)
    assert sorted(p.name for p in made) == [f"demo-{FILM_ID}.toml", "site.toml", f"{FILM_ID}.en.vtt",
                                            f"{FILM_ID}.nl.descriptions.vtt", f"{FILM_ID}.nl.vtt"]
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    assert report.errors == [] and report.warnings == []
    catalogue = report.catalogue()
    assert [theme.id for theme in catalogue.themes] == SIX_THEMES
    assert len(catalogue.clips) == sum(len(theme.clips) for theme in THEMES)
    nl = read_cues(settings.transcripts_dir / "demo" / f"{FILM_ID}.nl.vtt")
    en = read_cues(settings.transcripts_dir / "demo" / f"{FILM_ID}.en.vtt")
    assert len(nl) == len(en) == len(plan_timeline().lines)
    assert [(c.start_ms, c.end_ms, c.speaker) for c in nl] == [(c.start_ms, c.end_ms, c.speaker) for c in en]
    assert any("buddy" in cue.plain for cue in nl)
    assert "DEMO" in (settings.media_dir / f"demo-{FILM_ID}.toml").read_text("utf-8").splitlines()[0]
    assert make_demo(settings) == []


def test_the_demo_describes_its_title_cards_and_three_clips_each_in_a_pause(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path)
    timeline = plan_timeline()
    _stand_in_film(settings.media_dir / "demo" / f"{FILM_ID}.mp4", timeline.duration_ms)
    make_demo(settings)
    vtt = settings.transcripts_dir / "demo" / f"{FILM_ID}.nl.descriptions.vtt"
    assert "DEMO CONTENT" in vtt.read_text("utf-8").splitlines()[0]
    descriptions = read_cues(vtt)
    assert len(descriptions) == len(timeline.cards) + 3
    speech = read_cues(settings.transcripts_dir / "demo" / f"{FILM_ID}.nl.vtt")
    assert not any(d.start_ms < s.end_ms and s.start_ms < d.end_ms for d in descriptions for s in speech)
    clips = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir)).catalogue().clips
    described = {c.id for c in clips for d in descriptions if c.start_ms <= d.start_ms < c.end_ms}
    assert described == {"hoe-vind-je-buddys", "je-eigen-grenzen-bewaken", "verschillende-werelden"}
    assert "DEMO CONTENT" in settings.site_file.read_text("utf-8")
    settings.site_file.write_text("# mine\n", encoding="utf-8")
    make_demo(settings, force=False)
    assert settings.site_file.read_text("utf-8") == "# mine\n"  # a host's own settings are never replaced


def test_demo_film_args_make_a_720p_h264_aac_film(tmp_path: Path) -> None:
    timeline = Timeline(cards=(("Rekrutering — één", 0, 1000),), lines=(), duration_ms=2000)
    out = tmp_path / "mini demo's.mp4"
    run_ffmpeg(film_args(timeline, out, tmp_path, demo.find_font()), about=out)
    info = probe(out)
    assert info.web_ready and info.video is not None and (info.video.width, info.video.height) == (1280, 720)
    assert abs(info.duration_ms - 2000) <= 50


def test_demo_without_a_font_still_makes_a_film(tmp_path: Path) -> None:
    timeline = Timeline(cards=(("Impact", 0, 500),), lines=(), duration_ms=1000)
    out = tmp_path / "zonder font.mp4"
    run_ffmpeg(film_args(timeline, out, tmp_path, None), about=out)
    assert probe(out).web_ready


def test_the_demo_film_is_written_in_the_rendition_form_so_cut_copies_it(tmp_path: Path) -> None:
    from catalogue.cutting.rendition import grid_keyframes, read_rendition, source_preset

    timeline = Timeline(cards=(("Impact", 0, 1000),), lines=(), duration_ms=7000)
    out = tmp_path / "demo.mp4"
    run_ffmpeg(film_args(timeline, out, tmp_path, demo.find_font()), about=out)
    facts = read_rendition(out)
    assert facts is not None and [p for p, _ in facts.video.keys] == grid_keyframes(facts.video)
    assert source_preset(out, probe(out), tmp_path / "cache") is not None  # its headers are the clip encoder's
