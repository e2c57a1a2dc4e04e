"""Smart exact clips (edges re-encoded, GOPs copied) in Debian's Chromium: they play from start to
end without a decode error, seek anywhere, and the last frame is shown at the clip's duration."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.media.runner import ffmpeg_exe, probe
from servers import CHROMIUM, NO_CHROMIUM, catalogue_server, chromium
from sites import build_site

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)

FPS = 30000 / 1001
FRAME_S = 1 / FPS
CLIPS = {  # start, end (s); the 2-s GOPs of the rendition start at 0, 2.002, 4.004, …
    "kop-en-staart": (1.37, 9.81),
    "op-keyframe": (2.002, 8.008),
    "net-erna": (2.04, 10.1),
    "tot-het-einde": (6.5, 14.0),
}
CUTLIST = '''
    [film]
    id = "film"
    title = "Film"
    video = "film.mp4"
    language = "nl"
    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
    [[theme]]
    id = "impact"
    title = "Impact"
''' + "".join(f'''
    [[clip]]
    id = "{clip_id}"
    title = "{clip_id}"
    themes = ["impact"]
    start = {start}
    end = {end}
''' for clip_id, (start, end) in CLIPS.items())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    film = tmp_path_factory.mktemp("smart-film") / "film.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30000/1001:duration=14",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=14",
                    "-c:v", "libx264", "-preset", "medium", "-bf", "3", "-crf", "23", "-g", "300",
                    "-c:a", "aac", str(film)], check=True, timeout=120)
    root = tmp_path_factory.mktemp("smart-site")
    settings = build_site(root, film, CUTLIST, {"film.nl.vtt": [("00:00:01.000", "00:00:13.000", "Een buddy")]})
    for clip_id in CLIPS:
        record = json.loads((settings.build_dir / "media" / "clips" / f"{clip_id}.mp4.json").read_text())
        assert record["method"] == "smart", (clip_id, record)
    with catalogue_server(root) as base:
        yield base, root


@pytest.fixture(scope="module")
def page(site: tuple[str, Path]) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(site[0] + "/healthz")
        yield tab
        context.close()


PLAY_THROUGH = """async ([src, rate]) => {
  const v = document.createElement('video');
  v.muted = true; v.preload = 'auto'; v.src = src;
  document.body.append(v);
  const errors = [];
  v.addEventListener('error', () => errors.push(String(v.error && v.error.message)));
  await new Promise((ok, fail) => { v.onloadedmetadata = ok; v.onerror = fail; });
  v.playbackRate = rate;  // the whole clip, fast: any decode error shows
  let ended = new Promise(ok => v.addEventListener('ended', ok, {once: true}));
  await v.play();
  await ended;
  // its last half second at normal speed, every frame presented: which is the last one shown?
  let last = -1;
  const watch = (now, meta) => { last = Math.max(last, meta.mediaTime); v.requestVideoFrameCallback(watch); };
  const seeked = new Promise(ok => v.addEventListener('seeked', ok, {once: true}));
  v.currentTime = v.duration - 0.5;
  await seeked;
  v.requestVideoFrameCallback(watch);
  v.playbackRate = 1;
  ended = new Promise(ok => v.addEventListener('ended', ok, {once: true}));
  await v.play();
  await ended;
  const atEnd = v.currentTime;
  const seeks = [];
  for (const t of [0.05, v.duration / 2, v.duration - 0.05, 0]) {
    const done = new Promise(ok => v.addEventListener('seeked', ok, {once: true}));
    v.currentTime = t;
    await done;
    seeks.push([t, v.currentTime, v.readyState]);
  }
  const quality = v.getVideoPlaybackQuality();
  const result = {duration: v.duration, atEnd, lastFrame: last, seeks, errors,
                  frames: quality.totalVideoFrames, corrupted: quality.corruptedVideoFrames};
  v.remove();
  return result;
}"""


@pytest.mark.parametrize("clip_id", sorted(CLIPS))
def test_smart_clip_plays_to_the_end_seeks_and_ends_at_its_duration(site: tuple[str, Path], page: Any,
                                                                    clip_id: str) -> None:
    base, root = site
    start, end = CLIPS[clip_id]
    result = page.evaluate(PLAY_THROUGH, [f"{base}/media/clips/{clip_id}.mp4", 4])
    assert result["errors"] == [] and result["corrupted"] == 0
    frames = round((end - start) * FPS)
    assert abs(result["duration"] - (end - start)) <= FRAME_S + 0.001
    assert abs(result["atEnd"] - result["duration"]) <= FRAME_S
    # the last frame shown starts one frame before the end
    assert result["duration"] - 2 * FRAME_S <= result["lastFrame"] <= result["duration"] - FRAME_S / 2
    assert abs(probe(root / "media" / "clips" / f"{clip_id}.mp4").duration_ms / 1000 - frames / FPS) <= FRAME_S
    for asked, got, ready in result["seeks"]:
        assert abs(got - asked) <= FRAME_S and ready >= 2
