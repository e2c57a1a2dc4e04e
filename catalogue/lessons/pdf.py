"""The lesson pack's printable guide as PDF: guide.html printed by headless Chromium, made reproducible."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
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


def print_pdf(html: bytes, executable: str) -> bytes:
    """`html` (a page with no outside references) printed to PDF by Chromium at `executable`."""
    with tempfile.TemporaryDirectory(prefix="catalogue-pdf-") as folder:
        work = Path(folder)
        page, pdf = work / "guide.html", work / "guide.pdf"
        page.write_bytes(html)
        env = {**os.environ, "TZ": "UTC"}  # the date's zone is part of the PDF's bytes
        try:
            result = subprocess.run(print_args(executable, page, pdf, work / "profile"), capture_output=True,
                                    text=True, timeout=PRINT_TIMEOUT_S, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfError(f"{executable} did not print the guide within {PRINT_TIMEOUT_S} s") from None
        except OSError as exc:
            raise PdfError(f"cannot run {executable}: {exc.strerror or exc}") from None
        if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-3:])
            raise PdfError(f"{executable} could not print the guide to PDF (exit {result.returncode}): {tail}")
        return normalise_pdf(pdf.read_bytes())
