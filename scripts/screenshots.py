"""Take the README's screenshots (docs/images/site.png and studio.png) of the demo catalogue.

    .venv/bin/catalogue --root /tmp/demo demo --no-serve     # once
    .venv/bin/python scripts/screenshots.py /tmp/demo

Starts `catalogue serve` and `catalogue studio` on free ports on 127.0.0.1, opens each in Debian's
headless Chromium (Playwright, no downloaded browser) at 1280×800 and saves a PNG.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
CATALOGUE = [sys.executable, "-m", "catalogue"]
CLIP = "je-eigen-grenzen-bewaken"  # a demo clip with a moment worth showing
MOMENT_S = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_line(process: subprocess.Popen[str], pattern: str, timeout_s: float = 60) -> re.Match[str]:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := re.search(pattern, line):
            return match
        if not line and process.poll() is not None:
            break
    raise SystemExit(f"the server did not print {pattern!r}")


def wait_until_up(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def shoot(root: Path) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    site_port, studio_port = free_port(), free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    site = subprocess.Popen([*CATALOGUE, "--root", str(root), "serve", "--port", str(site_port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    studio = subprocess.Popen([*CATALOGUE, "--root", str(root), "studio", "--port", str(studio_port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        wait_for_line(site, r"Serving .* on http")
        wait_until_up(f"http://127.0.0.1:{site_port}/healthz")
        studio_url = wait_for_line(studio, r"(http://\S+\?token=\S+)").group(1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--mute-audio",
                                                       "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{site_port}/clips/{CLIP}?t={MOMENT_S}")
            page.wait_for_function("() => { const v = document.querySelector('video');"
                                   " return v && v.readyState >= 2 && [...v.textTracks].some("
                                   "t => t.mode === 'showing' && t.activeCues && t.activeCues.length); }",
                                   timeout=30_000)
            page.screenshot(path=str(IMAGES / "site.png"))
            page.goto(studio_url)
            page.wait_for_selector(".timeline, #timeline", timeout=30_000)
            search = page.locator("input[type=search]").first
            search.fill("grenzen")
            search.press("Enter")
            page.wait_for_timeout(1500)  # the hits and the waveform drawn (a picture, not a test)
            page.screenshot(path=str(IMAGES / "studio.png"))
            browser.close()
    finally:
        for process in (site, studio):
            process.terminate()
            process.wait(timeout=10)
    print(f"wrote {IMAGES / 'site.png'} and {IMAGES / 'studio.png'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="a catalogue root with the demo (catalogue demo --no-serve)")
    shoot(parser.parse_args().root)
