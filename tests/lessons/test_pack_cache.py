"""What packs of sessions defined in a URL may cost the server (issue 16): anyone can make a new one with a
new URL, so their cache keeps to `pack_cache_mb` (least recently used out first, never more than the cap
plus the pack just made), one is made at a time (503 with Retry-After meanwhile), and a build whose
requester leaves is stopped. Ready-made theme and session packs stay cached. A real `catalogue serve`,
real requests; a stand-in Chromium (first on PATH) that prints nothing, and waits when told to, to hold a
build for as long as a test needs."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from catalogue.lessons import PackBusyError, PackStopped, cached_url_pack, url_pack_folder
from catalogue.lessons.cache import plan_eviction
from catalogue.lessons.pack import plan_pack, target_from_query, write_zip
from catalogue.settings import Settings
from test_pack import load, make_site
from web.servers import catalogue_server

FAKE_CHROMIUM = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Chromium 0.0 (a stand-in for the tests)"; exit 0; fi
echo $$ >> "{marks}/started"
trap 'echo $$ >> "{marks}/stopped"; exit 143' TERM
while [ ! -e "{marks}/release" ]; do sleep 0.05; done
exit 1
"""


def query(title: str) -> str:
    return f"t={quote(title)}&s=c.een"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_site(tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("film"))


@dataclass
class Server:
    base: str
    root: Path
    marks: Path

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=120) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def wait_for(self, mark: str, count: int = 1) -> None:
        """Until the stand-in Chromium has written `mark` `count` times (started, stopped)."""
        deadline = time.monotonic() + 30
        while len(self.marks.joinpath(mark).read_text().split() if self.marks.joinpath(mark).exists() else []) < count:
            assert time.monotonic() < deadline, f"the stand-in Chromium did not say {mark!r} within 30 s"
            time.sleep(0.05)

    def packs(self) -> dict[str, int]:
        """Every pack on disk under the state folder, partial ones too: sha256 of its bytes → size."""
        return {hashlib.sha256(p.read_bytes()).hexdigest(): p.stat().st_size
                for p in (self.root / ".catalogue").rglob("*.zip")}


@contextmanager
def serving(built: Settings, tmp_path: Path, *, cap_bytes: int | None = None, release: bool = True) -> Iterator[Server]:
    """`catalogue serve` on a copy of the built site, the stand-in Chromium first on its PATH."""
    root = tmp_path / "root"
    shutil.copytree(built.root, root, ignore=shutil.ignore_patterns("packs"))
    marks, bin_dir = tmp_path / "marks", tmp_path / "bin"
    marks.mkdir()
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text(FAKE_CHROMIUM.format(marks=marks))
    (bin_dir / "chromium").chmod(0o755)
    if release:
        (marks / "release").touch()
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    if cap_bytes is not None:
        env["CATALOGUE_PACK_CACHE_MB"] = repr(cap_bytes / 2**20)
    with catalogue_server(root, env=env) as base:
        yield Server(base, root, marks)


def pack_size(built: Settings, title: str, tmp_path: Path) -> int:
    """The size of the URL pack of `title` as the site makes it without a PDF (the zip is deterministic)."""
    plan = plan_pack(built, load(built), target_from_query(load(built), query(title)))
    dest = tmp_path / f"{title}.zip"
    write_zip(dest, plan.entries)
    return dest.stat().st_size


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- through the server ----------------------------------------------------------------------------------

def test_url_packs_keep_to_the_cap_and_ready_made_packs_stay(built: Settings, tmp_path: Path) -> None:
    titles = ["Les 1", "Les 2", "Les 3", "Les 4"]
    sizes = {title: pack_size(built, title, tmp_path) for title in titles}
    cap = int(max(sizes.values()) * 2.5)  # two fit, three do not
    with serving(built, tmp_path, cap_bytes=cap) as server:
        status, _, theme = server.get("/packs/themes/grenzen.zip")
        assert status == 200
        ready_made = {sha(theme)}
        served: dict[str, str] = {}
        kept = {"Les 3": {"Les 1", "Les 3"}, "Les 4": {"Les 3", "Les 4"}}  # Les 2 goes, then Les 1: least recently used
        for title in ["Les 1", "Les 2", "Les 1", "Les 3", "Les 4"]:  # Les 1 again: used later than Les 2
            status, headers, body = server.get(f"/packs/sessions/new.zip?{query(title)}")
            assert status == 200 and headers["content-type"] == "application/zip", (title, status, body[:200])
            assert len(body) == sizes[title]
            served[title] = sha(body)
            url_packs = {digest: size for digest, size in server.packs().items() if digest not in ready_made}
            assert sum(url_packs.values()) <= cap + len(body), (title, url_packs)  # at most the cap + this pack
            assert served[title] in url_packs  # the pack just served is kept
            if title in kept:
                assert set(url_packs) == {served[t] for t in kept[title]}, title
        assert ready_made <= set(server.packs())  # the theme's pack is still there
        assert server.get("/packs/themes/grenzen.zip")[2] == theme


def test_one_url_pack_is_made_at_a_time_and_the_others_are_told_to_come_back(built: Settings,
                                                                             tmp_path: Path) -> None:
    with serving(built, tmp_path) as server:
        first = server.get(f"/packs/sessions/new.zip?{query('Al gemaakt')}")
        assert first[0] == 200
        (server.marks / "release").unlink()  # from now on the stand-in Chromium waits
        held: list[tuple[int, dict[str, str], bytes]] = []
        thread = threading.Thread(target=lambda: held.append(server.get(f"/packs/sessions/new.zip?{query('Lang')}")))
        thread.start()
        try:
            server.wait_for("started", count=2)  # the first pack's print, then this one's
            status, headers, body = server.get(f"/packs/sessions/new.zip?{query('Ook nu')}")
            assert status == 503 and headers["retry-after"].isdigit(), (status, body)
            assert "probeer het over enkele seconden opnieuw" in body.decode()
            assert server.get(f"/packs/sessions/new.zip?{query('Al gemaakt')}")[2] == first[2]  # made: served
        finally:
            (server.marks / "release").touch()
            thread.join(120)
        assert held[0][0] == 200
        assert len((server.marks / "started").read_text().split()) == 2  # 'Ook nu' was never begun


def test_a_url_pack_whose_requester_leaves_is_stopped_and_nothing_is_kept(built: Settings, tmp_path: Path) -> None:
    with serving(built, tmp_path, release=False) as server:
        host, port = server.base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(f"GET /packs/sessions/new.zip?{query('Weg')} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                           "Connection: close\r\n\r\n".encode())
            server.wait_for("started")
        server.wait_for("stopped")  # the client went: its Chromium was stopped
        deadline = time.monotonic() + 30
        while list(url_pack_folder(Settings(server.root)).glob(".pack-*")):  # its partial file is removed
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert server.packs() == {}
        (server.marks / "release").touch()
        status, _, _ = server.get(f"/packs/sessions/new.zip?{query('Daarna')}")
        assert status == 200  # and the next build may run


# --- the cache itself ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sizes", "incoming", "budget", "gone"), [
    ([10, 10, 10], 10, 40, []),
    ([10, 10, 10], 10, 30, [0]),
    ([10, 10, 10], 25, 30, [0, 1, 2]),
    ([10, 10, 10], 50, 30, [0, 1, 2]),  # larger than the cap alone: kept alone
    ([5, 30, 5], 10, 30, [0, 1]),  # least recently used first, even when a later one is larger
    ([], 10, 0, []),
])
def test_plan_eviction_removes_the_least_recently_used_until_the_new_pack_fits(
        sizes: list[int], incoming: int, budget: int, gone: list[int]) -> None:
    packs = [(Path(f"{n}.zip"), size, 1000 + n) for n, size in enumerate(sizes)]
    assert plan_eviction(packs, incoming, budget) == [Path(f"{n}.zip") for n in gone]


def test_a_stopped_build_keeps_nothing_and_a_busy_slot_refuses(built: Settings, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "root")
    shutil.copytree(built.root, settings.root, ignore=shutil.ignore_patterns("packs"))
    catalogue = load(settings)
    plan = plan_pack(settings, catalogue, target_from_query(catalogue, query("Gestopt")))
    stop = threading.Event()
    stop.set()
    with pytest.raises(PackStopped):
        cached_url_pack(settings, [plan], stop=stop)
    assert [p.name for p in url_pack_folder(settings).iterdir()] == [".build.lock"]
    import fcntl

    with open(url_pack_folder(settings) / ".build.lock", "a") as other:  # another worker builds
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(PackBusyError):
            cached_url_pack(settings, [plan])
    assert cached_url_pack(settings, [plan]).is_file()
