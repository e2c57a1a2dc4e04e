"""What `catalogue cut` shows while it works."""

from __future__ import annotations

import io
from pathlib import Path

from catalogue.cutting import Job, Step
from catalogue.errors import CatalogueError
from catalogue.cli.progress import BarListener, LineListener


def _job() -> tuple[Job, Step]:
    step = Step(Path("media/clips/a.mp4"), {}, 10_000, lambda tmp, progress: None)
    return Job("a", (step,), note="copy starts at the keyframe 00:00:04.000"), step


def test_line_listener_prints_one_line_per_output_and_failure() -> None:
    out = io.StringIO()
    listener, (job, step) = LineListener(out), _job()
    listener.start([job], 10_000)
    listener.step_done(job, step, 1.25)
    listener.job_failed(job, CatalogueError("film.mp4: ffmpeg failed"))
    assert out.getvalue().splitlines() == [
        "building 1 job (10 s of media to write)",
        "a: copy starts at the keyframe 00:00:04.000",
        "a: wrote a.mp4 (1.2 s)",
        "a: FAILED: film.mp4: ffmpeg failed",
    ]


def test_bar_listener_draws_the_share_of_media_time_written() -> None:
    out = io.StringIO()
    listener, (job, step) = BarListener(out), _job()
    listener.start([job], 20_000)
    listener.progress(job, step, 5_000)
    assert "25%" in out.getvalue() and "\r[" in out.getvalue()
    listener.step_done(job, step, 2.0)  # the whole step counts when it is done
    assert out.getvalue().rsplit("\r", 1)[-1].startswith("[" + "#" * 12)
    listener.finish()
    assert out.getvalue().endswith("\n")
