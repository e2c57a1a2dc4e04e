"""The studio's film at a glance (waveform, thumbnails, cached per film version) and its build button
(`cut` + `index` in child processes, followed as Server-Sent Events)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from catalogue.media import runner as media
from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import Settings
from catalogue.studio.app import create_studio_app
from catalogue.studio import build
from catalogue.studio.build import BuildRunner, plan_line_event
from catalogue.studio.overview import MAX_PEAKS, PeakReader, plan_peak_samples, plan_thumb_times, read_waveform
from catalogue.studio.security import DEFAULT_PORT, cookie_name, csrf_token, session_value
from conftest import make_video

TOKEN = "studio-test-token"
COOKIE, SESSION = cookie_name(DEFAULT_PORT), session_value(TOKEN)  # what the link sets
ORIGIN = "http://testserver"
CHANGE = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(TOKEN)}


def studio_client(root: Path) -> TestClient:
    client = TestClient(create_studio_app(Settings(root=root), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    return client


@pytest.fixture
def client(tmp_path: Path, small_catalogue: Callable[..., Path]) -> Iterator[TestClient]:
    small_catalogue()
    with studio_client(tmp_path) as client:
        yield client
        client.app.state.build.join(120)  # type: ignore[attr-defined]


@pytest.fixture
def counted(counting_ffmpeg: tuple[dict[str, str], Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """ffmpeg started in this process goes through the counting wrapper; the log of its starts."""
    env, log = counting_ffmpeg
    monkeypatch.setenv("PATH", env["PATH"])
    ffmpeg_exe.cache_clear()
    yield log
    ffmpeg_exe.cache_clear()


def starts(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def events_of(text: str) -> list[tuple[str, dict[str, object]]]:
    found = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            found.append((fields["event"], json.loads(fields["data"])))
    return found


# --- waveform -----------------------------------------------------------------------------------------


def test_waveform_is_peaks_of_the_films_sound(client: TestClient) -> None:
    response = client.get("/api/waveform/testfilm")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["audio"] is True and data["peak_ms"] == 25.0
    assert len(data["peaks"]) == 12_000 // 25
    assert all(100 <= p <= 160 for p in data["peaks"][2:-2])  # lavfi's sine: amplitude 1/8
    assert response.headers["cache-control"] == "no-store"


def test_waveform_second_request_starts_no_ffmpeg(client: TestClient, counted: Path, tmp_path: Path) -> None:
    first = client.get("/api/waveform/testfilm").json()
    assert starts(counted) >= 1  # a probe and the decoding
    before = starts(counted)
    began = time.monotonic()
    assert client.get("/api/waveform/testfilm").json() == first
    assert starts(counted) == before and time.monotonic() - began < 1
    assert len(list((tmp_path / ".catalogue" / "studio").glob("waveform-*.json"))) == 1
    assert not list((tmp_path / ".catalogue" / "studio").glob(".*partial*"))


def test_waveform_is_made_again_for_a_new_version_of_the_film(client: TestClient, tmp_path: Path) -> None:
    client.get("/api/waveform/testfilm")
    film = tmp_path / "media" / "film.mp4"
    film.unlink()  # the fixture hard-links the session's film: replace it, never change it in place
    make_video(film, seconds=12, audio=True)
    assert client.get("/api/waveform/testfilm").status_code == 200
    assert len(list((tmp_path / ".catalogue" / "studio").glob("waveform-*.json"))) == 2


def test_waveform_of_a_film_without_sound_is_a_flat_line(tmp_path: Path, small_catalogue: Callable[..., Path]) -> None:
    small_catalogue()
    film = tmp_path / "media" / "film.mp4"
    film.unlink()
    make_video(film, seconds=12, audio=False)
    response = studio_client(tmp_path).get("/api/waveform/testfilm")
    assert response.status_code == 200
    assert response.json() == {"audio": False, "duration_ms": 12_000, "peaks": []}


def test_waveform_of_an_unknown_film_is_404_json(client: TestClient) -> None:
    response = client.get("/api/waveform/niet-bestaand")
    assert response.status_code == 404
    assert "error" in response.json()


def test_peak_reader_folds_chunks_that_split_samples() -> None:
    samples = (b"\x00\x10" + b"\x00\xf0") * 50 + b"\xff\x7f"  # 4096, -4096, …, then 32767 alone
    whole, pieces = PeakReader(10), PeakReader(10)
    whole.feed(samples)
    for i in range(0, len(samples), 7):  # odd sizes: samples cut in half
        pieces.feed(samples[i:i + 7])
    assert whole.finish() == pieces.finish() == [125] * 10 + [1000]


def test_plan_peak_samples_keeps_a_three_hour_film_under_the_maximum() -> None:
    three_hours = 3 * 3600 * 1000
    assert 3 * 3600 * 4000 / plan_peak_samples(three_hours) <= MAX_PEAKS
    assert plan_peak_samples(12_000) == 100  # 25 ms at 4000 Hz


def test_read_waveform_of_half_an_hour_streams_in_bounded_memory(tmp_path: Path) -> None:
    """30 min of sound: 14 MB of samples at 4000 Hz, read in 64 kB pieces, never all at once."""
    sound = tmp_path / "half-hour.wav"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=300:sample_rate=8000:duration=1800", "-c:a", "pcm_s16le", str(sound)], check=True)
    sizes: list[int] = []
    real = media.stream_ffmpeg

    def spying(args: list[str], on_chunk: Callable[[bytes], None], **kw: object) -> None:
        real(args, lambda chunk: (sizes.append(len(chunk)), on_chunk(chunk))[1], **kw)  # type: ignore[arg-type]

    tracemalloc.start()
    try:
        import catalogue.studio.overview as overview

        overview.stream_ffmpeg = spying  # type: ignore[assignment]
        wave = read_waveform(sound, 1_800_000)
        peak_bytes = tracemalloc.get_traced_memory()[1]
    finally:
        overview.stream_ffmpeg = real
        tracemalloc.stop()
    assert sum(sizes) == 1800 * 4000 * 2 and max(sizes) <= 1 << 16
    assert peak_bytes < 3_000_000, peak_bytes  # the peaks and a chunk or two, not 14 MB of samples
    assert len(wave.peaks) <= MAX_PEAKS and wave.peak_ms * len(wave.peaks) >= 1_800_000 - wave.peak_ms


# --- thumbnails -----------------------------------------------------------------------------------


def test_thumbs_are_one_sprite_of_even_times_cached(client: TestClient, counted: Path) -> None:
    response = client.get("/api/thumbs/testfilm?count=6")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg" and response.content[:2] == b"\xff\xd8"
    sprite = next((Path(client.app.state.settings.state_dir) / "studio").glob("thumbs-6-*.jpg"))  # type: ignore[attr-defined]
    info = media.probe(sprite)
    assert info.video is not None and (info.video.width, info.video.height) == (6 * 96, 72)  # 320×240 → 96×72
    before = starts(counted)
    assert client.get("/api/thumbs/testfilm?count=6").content == response.content
    assert starts(counted) == before


@pytest.mark.parametrize("count", ["0", "61", "veel"])
def test_thumbs_count_is_bounded(client: TestClient, count: str) -> None:
    response = client.get(f"/api/thumbs/testfilm?count={count}")
    assert response.status_code == 400 and "count" in response.json()["error"]


def test_plan_thumb_times_are_the_middles_of_even_stretches() -> None:
    assert plan_thumb_times(12_000, 4) == [1500, 4500, 7500, 10500]


# --- build --------------------------------------------------------------------------------------------


def test_build_cuts_and_indexes_with_progress_as_events(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/api/build", headers=CHANGE)
    assert response.status_code == 202, response.text
    assert client.post("/api/build", headers=CHANGE).status_code == 409  # one build at a time
    stream = client.get(response.json()["events"])
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = events_of(stream.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "step" and kinds[-1] == "done", events
    lines = [str(data.get("line", "")) for _, data in events]
    assert any("eerste: wrote eerste.mp4" in line for line in lines), lines
    assert any(line.startswith("Indexed 2 clips") for line in lines), lines
    assert events[-1][1]["failures"] == []
    for clip in ("eerste", "tweede"):
        assert (tmp_path / "media" / "clips" / f"{clip}.mp4").is_file()
        assert (tmp_path / "transcripts" / "clips" / f"{clip}.nl.vtt").is_file()
    assert any((tmp_path / ".catalogue" / "index").iterdir())
    late = events_of(client.get("/api/build/events?after=0").text)  # a late page gets the kept lines
    assert late == events


def test_build_shows_a_failing_clip_and_builds_the_rest(client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "media" / "clips" / "tweede.mp4").mkdir(parents=True)  # nothing can be written there
    after = client.post("/api/build", headers=CHANGE).json()["after"]
    events = events_of(client.get(f"/api/build/events?after={after}").text)
    errors = [data for kind, data in events if kind == "clip-error"]
    assert [e["clip"] for e in errors] == ["tweede"], events
    assert "cannot write" in str(errors[0]["message"]) and "tweede" in str(errors[0]["message"])
    kind, final = events[-1]
    assert kind == "failed" and final["step"] == "cut" and [f["clip"] for f in final["failures"]] == ["tweede"]  # type: ignore[union-attr]
    assert (tmp_path / "media" / "clips" / "eerste.mp4").is_file()


def test_build_refused_without_csrf(client: TestClient, tmp_path: Path) -> None:
    assert client.post("/api/build").status_code == 403
    assert client.post("/api/build", headers={"Origin": ORIGIN}).status_code == 403
    assert client.post("/api/build", headers={**CHANGE, "Origin": "http://evil.example"}).status_code == 403
    assert not (tmp_path / "media" / "clips").exists()
    assert events_of(client.get("/api/build/events").text) == [("idle", {"line": "Nog geen build gestart."})]


def test_build_commands_failing_to_start_end_the_build(tmp_path: Path) -> None:
    runner = BuildRunner()
    runner.start([("cut", [str(tmp_path / "geen-programma")])], cwd=tmp_path)
    runner.join(30)
    events, finished = runner.events_after(0)
    assert finished and events[-1].kind == "failed"


@pytest.mark.parametrize(("line", "kind"), [
    ("eerste: FAILED: cannot write media/clips/eerste.mp4: Is a directory", "clip-error"),
    ("eerste: wrote eerste.mp4 (0.4 s)", "line"),
    ("building 3 jobs (12 s of media to write)", "line"),
])
def test_plan_line_event(line: str, kind: str) -> None:
    assert plan_line_event(line)[0] == kind



SLEEPER = [sys.executable, "-c", "import time; print('bezig', flush=True); time.sleep(60)"]


def _wait_for_line(runner: BuildRunner, text: str) -> None:
    for _ in range(200):
        if any(text in str(e.data.get("line", "")) for e in runner.events_after(0)[0]):
            return
        time.sleep(0.05)
    raise AssertionError(f"no line {text!r}: {runner.events_after(0)[0]}")


def test_build_cancel_stops_the_command_and_runs_no_further_one(tmp_path: Path) -> None:
    runner = BuildRunner()
    marker = tmp_path / "index-ran"
    runner.start([("cut", SLEEPER), ("index", [sys.executable, "-c", f"open({str(marker)!r}, 'w')"])], cwd=tmp_path)
    _wait_for_line(runner, "bezig")
    began = time.monotonic()
    assert runner.cancel()
    runner.join(10)
    events, finished = runner.events_after(0)
    assert finished and time.monotonic() - began < 5
    assert events[-1].kind == "failed" and events[-1].data["cancelled"] is True
    assert not marker.exists()  # the step after the cancelled one never started
    assert not runner.cancel()  # nothing runs any more


def test_build_children_are_stopped_when_the_studio_exits(tmp_path: Path) -> None:
    runner = BuildRunner()
    runner.start([("cut", SLEEPER)], cwd=tmp_path)
    _wait_for_line(runner, "bezig")
    build._stop_builds()  # what atexit runs when the studio's process ends
    runner.join(10)
    assert runner.events_after(0)[1]


def test_build_cancel_through_the_api(client: TestClient) -> None:
    assert client.post("/api/build/cancel").status_code == 403  # CSRF and Origin, as every change
    response = client.post("/api/build/cancel", headers=CHANGE)
    assert response.status_code == 409 and response.json()["error"] == "Er loopt geen build."
