"""What an attack on the studio found (issue 16), each closed: planted links at temporary names, modules in
the root, one cookie for every port, unchecked WebSockets, hostile bodies, two builds on one root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from catalogue.fsutil import KEEP_BACKUPS
from catalogue.settings import Settings
from catalogue.studio.app import create_studio_app
from catalogue.studio.build import BuildRunner, build_commands
from catalogue.studio.security import TokenGuard, cookie_name, session_value
from test_studio_app import CHANGE, COOKIE, NEW, ORIGIN, SESSION, TOKEN, Studio, studio  # noqa: F401
from web.servers import CHROMIUM, NO_CHROMIUM, chromium, free_port


def body(studio: Studio, clip: dict[str, object]) -> dict[str, object]:
    return {"film": "testfilm", "version": studio.version(), "original_id": None, "clip": clip, "new_themes": []}


# --- temporary files ------------------------------------------------------------------------------------

def test_a_studio_save_never_follows_a_link_planted_at_the_temporary_name(studio: Studio, tmp_path_factory: Any) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "important.txt"
    outside.write_text("not the studio's")
    # the name atomic writes used before issue 16: `.<stem>.partial-<pid><ext>`, the pid the studio's
    (studio.cutlist.parent / f".film.partial-{os.getpid()}.toml").symlink_to(outside)
    status, answer = studio.save(NEW)
    assert status == 200, answer
    assert outside.read_text() == "not the studio's"
    assert not studio.cutlist.is_symlink() and 'id = "derde"' in studio.cutlist.read_text(encoding="utf-8")


def test_the_check_of_a_candidate_never_writes_through_a_planted_link(studio: Studio, tmp_path_factory: Any) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "important.txt"
    outside.write_text("not the studio's")
    state = studio.client.app.state.studio  # type: ignore[attr-defined]
    # the candidate's name before issue 16: `.<name>.studio-<pid>-<thread>`, both known to a local user
    (studio.cutlist.parent / f".film.toml.studio-{os.getpid()}-{threading.get_ident()}").symlink_to(outside)
    checked = state.check_candidate(studio.cutlist, studio.cutlist.read_bytes(), [])
    assert checked.errors == [] and outside.read_text() == "not the studio's"
    assert [p.name for p in studio.cutlist.parent.iterdir() if ".studio-" in p.name] == \
        [f".film.toml.studio-{os.getpid()}-{threading.get_ident()}"]  # only the planted link: ours is gone


# --- the build ------------------------------------------------------------------------------------------

def test_the_build_runs_no_python_module_found_in_the_root(tmp_path: Path) -> None:
    marker = tmp_path / "click-was-run"
    (tmp_path / "click.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(7)\n")
    runner = BuildRunner()
    runner.start(build_commands(tmp_path, []), cwd=tmp_path)  # `catalogue cut` in a root with no cut list
    runner.join(60)
    events, finished = runner.events_after(0)
    lines = [str(event.data.get("line", "")) for event in events]
    assert finished and not marker.exists(), lines
    assert any("Error: no cut lists" in line for line in lines), lines  # catalogue itself ran, and said why


def test_two_studios_on_one_root_never_build_at_once(tmp_path: Path, small_catalogue: Any) -> None:
    small_catalogue()
    lock = tmp_path / ".catalogue" / "studio" / "build.lock"
    lock.parent.mkdir(parents=True)
    holder = [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
                                    "print('locked', flush=True); sys.stdin.read()", str(lock)]
    client = TestClient(create_studio_app(Settings(root=tmp_path), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    with subprocess.Popen(holder, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as other:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"  # another studio builds
        refused = client.post("/api/build", headers=CHANGE)
        other.communicate("")
    assert refused.status_code == 409 and "andere studio" in refused.json()["error"], refused.text
    assert not (tmp_path / "media" / "clips").exists()
    runner = BuildRunner(lock)
    runner.start([("cut", [sys.executable, "-c", "print('klaar')"])], cwd=tmp_path)  # the lock is free again
    runner.join(30)
    assert runner.events_after(0)[0][-1].kind == "done"


def test_a_build_holds_the_lock_until_it_ends(tmp_path: Path) -> None:
    lock, release = tmp_path / "build.lock", tmp_path / "release"
    waiter = [sys.executable, "-c", f"import os, time\nprint('bezig', flush=True)\n"
                                    f"while not os.path.exists({str(release)!r}): time.sleep(0.02)"]
    first, second = BuildRunner(lock), BuildRunner(lock)
    first.start([("cut", waiter)], cwd=tmp_path)
    with pytest.raises(Exception, match="andere studio"):
        second.start([("cut", waiter)], cwd=tmp_path)
    release.touch()
    first.join(30)
    second.start([("cut", [sys.executable, "-c", ""])], cwd=tmp_path)
    second.join(30)
    assert second.events_after(0)[0][-1].kind == "done"


# --- the guard ------------------------------------------------------------------------------------------

def test_the_guard_closes_a_websocket_without_the_cookie_before_the_app_hears_of_it() -> None:
    heard: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        heard.append(scope["type"])
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})

    client = TestClient(TokenGuard(app, TOKEN, port=8001))
    for cookies in ({}, {cookie_name(8001): TOKEN}, {cookie_name(8002): session_value(TOKEN)}):
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies.set(name, value)
        with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws") as socket:
            socket.receive_text()
    assert heard == []
    client.cookies.set(cookie_name(8001), session_value(TOKEN))
    with client.websocket_connect("/ws") as socket:
        with pytest.raises(WebSocketDisconnect):
            socket.receive_text()
    assert heard == ["websocket"]


@contextmanager
def studio_process(root: Path) -> Iterator[tuple[str, str]]:
    """`catalogue studio` on a free port: (its base URL, the link it printed)."""
    port = free_port()
    command = [sys.executable, "-m", "catalogue", "--root", str(root), "studio", "--port", str(port)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            link = process.stdout.readline().strip().removeprefix("Studio: ")
            yield f"http://127.0.0.1:{port}", link
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_until_up(base: str) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base, timeout=2).close()
        except urllib.error.HTTPError as refused:  # 403 without the token: it is up
            refused.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.browser
def test_a_second_studio_keeps_the_first_one_open_and_no_cookie_holds_a_token(studio: Studio) -> None:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with studio_process(studio.root) as (first, first_link), studio_process(studio.root) as (second, second_link):
        wait_until_up(first)
        wait_until_up(second)
        with chromium() as browser:
            context = browser.new_context()
            page = context.new_page()
            assert page.goto(first_link).status == 200
            assert page.goto(second_link).status == 200  # the same browser opens a second studio
            assert page.goto(f"{first}/").status == 200  # and the first one still knows it
            assert page.goto(f"{second}/").status == 200
            cookies = {c["name"]: c["value"] for c in context.cookies()}
            context.close()
    tokens = [link.split("token=")[1] for link in (first_link, second_link)]
    ports = [base.rsplit(":", 1)[1] for base in (first, second)]
    assert cookies == {cookie_name(int(port)): session_value(token) for port, token in zip(ports, tokens)}
    assert not any(token in value for token in tokens for value in cookies.values())


# --- what a change may hold -----------------------------------------------------------------------------

def post_raw(studio: Studio, data: bytes) -> tuple[int, dict[str, Any]]:
    response = studio.client.post("/api/clips", content=data, headers={**CHANGE, "content-type": "application/json"})
    return response.status_code, response.json()


@pytest.mark.parametrize(("make", "field", "message"), [
    (lambda b: json.dumps(b).replace("Derde clip", "Derde \\ud800clip"), "title", "losse surrogaat"),
    (lambda b: json.dumps(b).replace('"Derde clip"', '"' + "x" * 300 + '"'), "title", "te lang (300 tekens; hoogstens 200)"),
    (lambda b: json.dumps(b).replace('"Derde clip"', '"' + "x" * 5_000_000 + '"'), "", "te groot"),
    (lambda b: json.dumps(b).replace('"speakers": []', '"speakers": ' + "[" * 200_000 + "]" * 200_000), "", "te diep"),
    (lambda b: json.dumps(b).replace('"speakers": []', '"speakers": ' + "[" * 20 + "]" * 20), "", "te diep"),
    (lambda b: json.dumps(b).replace('"speakers": []', '"speakers": ' + json.dumps(["Sara"] * 51)), "speakers",
     "te veel"),
], ids=["lone surrogate", "long title", "5 MB title", "200,000 deep", "20 deep", "51 speakers"])
def test_a_change_the_studio_cannot_hold_is_422_in_dutch_and_writes_nothing(studio: Studio, make: Any, field: str,
                                                                             message: str) -> None:
    before = studio.cutlist.read_bytes()
    status, answer = post_raw(studio, make(body(studio, NEW)).encode())
    assert status == 422, answer
    assert [(e["field"], message in e["message"]) for e in answer["errors"]] == [(field, True)], answer
    assert studio.cutlist.read_bytes() == before and not list(studio.cutlist.parent.glob("*.bak"))


def test_a_save_keeps_the_newest_backups_only(studio: Studio) -> None:
    for minute in range(KEEP_BACKUPS + 3):  # backups of earlier days
        (studio.cutlist.parent / f"film.toml.20260101-00{minute:02d}00.bak").write_text(f"{minute}")
    status, _ = studio.save(NEW)
    assert status == 200
    backups = sorted(p.name for p in studio.cutlist.parent.glob("film.toml.*.bak"))
    assert len(backups) == KEEP_BACKUPS
    assert backups[0] == "film.toml.20260101-000400.bak"  # the oldest four went
    assert studio.cutlist.parent.joinpath(backups[-1]).read_bytes().startswith(b"[film]")  # the one just made


def test_build_events_after_a_superscript_two_start_from_the_beginning(studio: Studio) -> None:
    for after in ("²", "٣", "1\n"):
        response = studio.client.get("/api/build/events", params={"after": after})
        assert response.status_code == 200 and "Nog geen build" in response.text
