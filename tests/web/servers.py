"""Helpers for tests that talk to the app: real servers on loopback (uvicorn, nginx), or
one raw request straight into the ASGI app."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
from starlette.applications import Starlette


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Debian's Chromium (never a downloaded one), and how the browser tests start it headless here
CHROMIUM = next(filter(None, (shutil.which(name) for name in ("chromium", "chromium-browser"))), None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio"]
NO_CHROMIUM = ("no Chromium found on PATH (chromium / chromium-browser); "
               "install the system package, e.g. apt-get install chromium")


@contextmanager
def chromium(extra_args: Sequence[str] = ()) -> Iterator[Any]:
    """A headless Chromium (Playwright's Browser), closed afterwards."""
    from playwright import sync_api

    assert CHROMIUM is not None
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def catalogue_server(root: Path, *serve_args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m catalogue --root ROOT serve [SERVE_ARGS]` on a free loopback port until the block ends
    (`env`: more environment, e.g. CATALOGUE_* settings); yields its base URL. Its output goes to
    ROOT/serve.log, shown when it does not come up."""
    from catalogue.settings import PROJECT_DIR

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = root / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "catalogue", "--root", str(root), "serve", "--host", "127.0.0.1", "--port", str(port),
             *serve_args],
            cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    try:
        deadline = time.monotonic() + 30
        while not healthy(f"{base}/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(encoding="utf-8", errors="replace")
                raise AssertionError(f"the server did not come up on {base} (exit code {process.poll()}):\n{output}")
            time.sleep(0.1)
        yield base
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, kill it when it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def healthy(url: str) -> bool:
    """True when `url` (a /healthz) answers 200 with status ok."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200 and json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def asgi_request(app: Starlette, target: bytes, headers: list[tuple[bytes, bytes]], method: str = "GET") -> Reply:
    """One request into the ASGI app with the scope uvicorn would build from `target`."""
    raw_path, _, query = target.partition(b"?")
    path = unquote(raw_path.decode("ascii"))

    async def run() -> Reply:
        done = anyio.Event()
        sent: list[dict[str, Any]] = []
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": raw_path, "query_string": query,
                 "root_path": "", "headers": [(b"host", b"testserver"), *headers],
                 "client": ("127.0.0.1", 1234), "server": ("testserver", 80)}
        await app(scope, receive, send)  # type: ignore[arg-type]
        start = sent[0]
        assert start["type"] == "http.response.start"
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Reply(start["status"], {k.decode("latin-1").lower(): v.decode("latin-1")
                                       for k, v in start["headers"]}, body)

    return anyio.run(run)


NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                       if os.access(p, os.X_OK)), None)
NO_NGINX = "nginx is not installed (apt-get install nginx-light); it runs the deployment examples in deploy/"


@contextmanager
def nginx(conf_text: str, prefix: Path) -> Iterator[None]:
    """nginx in the foreground with this configuration, its pid, logs and temp files under `prefix`, until
    the block ends (as root, its workers run as root: pytest's folders are not readable by `nobody`)."""
    assert NGINX is not None
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text, encoding="utf-8")
    directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    with open(prefix / "nginx.out", "wb") as log:
        process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", "logs/error.log", "-g", directives],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        stop(process)


def wait_for(url: str, timeout_s: float = 30) -> None:
    """Until `url` answers at all (any status), or fail."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {timeout_s:.0f} s")
            time.sleep(0.1)
