"""The lesson pack's printable guide as PDF: guide.html printed by headless Chromium, made reproducible."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from catalogue.errors import CatalogueError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_S = 120
# Chromium (Skia) stamps the print time as CreationDate and ModDate; everything else in its PDF follows
# from the page and the Chromium version. A fixed date of the same length keeps the xref offsets valid.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}")
FIXED_PDF_DATE = b"19800101000000"


class PdfError(CatalogueError):
    """No Chromium to print with, or a print that failed."""


class PackStopped(CatalogueError):
    """A pack's build stopped on request (the site's visitor left): nothing of it is kept."""


def find_chromium() -> str | None:
    """The path of a Chromium on PATH, or None."""
    return next(filter(None, (shutil.which(name) for name in CHROMIUM_NAMES)), None)


@lru_cache(maxsize=8)
def chromium_version(executable: str) -> str:
    """`Chromium 156.0.8078.114 …`: part of a PDF's build key (another version prints other bytes)."""
    try:
        result = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PdfError(f"cannot run {executable}: {exc}") from None
    return result.stdout.strip() or executable


def print_args(executable: str, html_path: Path, pdf_path: Path, profile_dir: Path) -> list[str]:
    """Headless Chromium printing `html_path` to `pdf_path`: no header or footer (they show the file's
    path and the date), its own profile (a running browser's would take the job), no network (the guide's own
    Content-Security-Policy refuses scripts and every load: its text may come from a URL)."""
    return [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile_dir}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.as_uri()]


def normalise_pdf(data: bytes) -> bytes:
    """The PDF with its creation and modification dates fixed, so one page prints to the same bytes."""
    return _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + FIXED_PDF_DATE, data)


def print_pdf(html: bytes, executable: str, stop: threading.Event | None = None) -> bytes:
    """`html` (a page with no outside references) printed to PDF by Chromium at `executable`; Chromium (and
    every process it started) is stopped when `stop` is set, with PackStopped."""
    with tempfile.TemporaryDirectory(prefix="catalogue-pdf-") as folder:
        work = Path(folder)
        page, pdf = work / "guide.html", work / "guide.pdf"
        page.write_bytes(html)
        env = {**os.environ, "TZ": "UTC"}  # the date's zone is part of the PDF's bytes
        try:
            process = subprocess.Popen(print_args(executable, page, pdf, work / "profile"), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL,
                                       start_new_session=True)  # its own group: stopped with its helpers
        except OSError as exc:
            raise PdfError(f"cannot run {executable}: {exc.strerror or exc}") from None
        stderr = _wait(process, executable, stop)
        if process.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            tail = "\n".join(stderr.strip().splitlines()[-3:])
            raise PdfError(f"{executable} could not print the guide to PDF (exit {process.returncode}): {tail}")
        return normalise_pdf(pdf.read_bytes())


def _wait(process: subprocess.Popen[str], executable: str, stop: threading.Event | None) -> str:
    """Chromium's stderr when it ends; PdfError after PRINT_TIMEOUT_S, PackStopped once `stop` is set."""
    deadline = time.monotonic() + PRINT_TIMEOUT_S
    while True:
        try:
            return process.communicate(timeout=0.2)[1]
        except subprocess.TimeoutExpired:
            stopped = stop is not None and stop.is_set()
            if stopped or time.monotonic() > deadline:
                _stop_group(process)
                if stopped:
                    raise PackStopped("the guide's printing was stopped") from None
                raise PdfError(f"{executable} did not print the guide within {PRINT_TIMEOUT_S} s") from None


def _stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to the process group, SIGKILL to what is left after 5 s."""
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.communicate(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
