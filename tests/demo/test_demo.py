"""The demo: its timeline, texts and cut list are valid, and a rerun remakes nothing."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def _processes_under(root: Path) -> list[str]:
    """The command lines of running processes that name `root` (the demo's server, its background cut)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if str(root).encode() in args:
            found.append(" ".join(a.decode(errors="replace") for a in args))
    return found


def test_the_demo_serves_before_its_ladder_and_makes_the_ladder_in_the_background(tmp_path: Path) -> None:
    """What a first `make demo` does, on a stand-in film: the site is up after the quick part of the cut
    (no ladder in it); stopped at once, the background cut stops with it and leaves nothing half-made;
    the next run serves again, the ladder appears beside the running site, and the site uses it."""
    import sys
    import urllib.request

    settings = Settings(root=tmp_path)
    _stand_in_film(settings.media_dir / "demo" / f"{FILM_ID}.mp4", plan_timeline().duration_ms)
    ladder_log = settings.state_dir / "demo-ladder.log"

    with _running_demo(tmp_path) as (base, shown):
        assert "in the background" in shown
        assert ".m3u8" not in shown and "234p" not in shown  # the foreground cut made no rung
    assert not _processes_under(tmp_path)
    assert not [p for p in tmp_path.rglob("*") if ".partial-" in p.name]

    with _running_demo(tmp_path) as (base, shown):
        while "output(s) built" not in (ladder_log.read_text(errors="replace") if ladder_log.exists() else ""):
            time.sleep(0.5)
        assert "0 failed" in ladder_log.read_text() and (settings.film_hls(FILM_ID) / "master.m3u8").is_file()
        with urllib.request.urlopen(f"{base}/clips/{THEMES[0].clips[0].id}", timeout=30) as response:
            assert "/media/hls/clips/" in response.read().decode()  # the running site found the new ladder
    assert not _processes_under(tmp_path)


@contextmanager
def _running_demo(root: Path) -> Iterator[tuple[str, str]]:
    """`catalogue demo` until the block ends (then SIGTERM, as a service manager stops it): its base URL
    and what it printed until it served."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from servers import free_port, healthy

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    output = root / "demo-output.log"
    with open(output, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "catalogue", "--root", str(root), "demo", "--port", str(port)],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not healthy(f"{base}/healthz"):
            assert process.poll() is None, output.read_text(errors="replace")
            time.sleep(0.2)
        yield base, output.read_text(errors="replace")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    assert process.returncode == 0, output.read_text(errors="replace")
