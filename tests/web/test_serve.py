"""`catalogue serve` as a real process on loopback: several workers, stopping cleanly, and an
address it cannot listen on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import free_port, healthy

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads worker processes from /proc")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def workers(pid: int) -> list[int]:
    """The server's worker processes (uvicorn spawns them with multiprocessing)."""
    return [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@contextmanager
def serving(root: Path, count: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`catalogue serve --workers COUNT` in a process group of its own (as a terminal runs it),
    once it answers with all its workers; killed at the end if the test did not stop it."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "catalogue", "--root", str(root), "serve",
                               "--port", str(port), "--workers", str(count)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (healthy(f"http://127.0.0.1:{port}/healthz") and len(workers(server.pid)) == (count > 1) * count):
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(0.2)
        yield server, port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


STOPS = {
    "SIGTERM": lambda server: server.send_signal(signal.SIGTERM),
    "Ctrl+C": lambda server: os.killpg(server.pid, signal.SIGINT),  # the terminal signals the whole group
    "Ctrl+C twice": lambda server: [os.killpg(server.pid, signal.SIGINT), time.sleep(0.05),
                                    os.killpg(server.pid, signal.SIGINT)],  # uvicorn's forced exit
}


@pytest.mark.parametrize("stop", STOPS.values(), ids=STOPS.keys())
@pytest.mark.parametrize("count", [1, 2])
def test_serve_answers_and_stops_with_all_its_workers(tmp_path: Path, count: int,
                                                      stop: Callable[[subprocess.Popen[bytes]], object]) -> None:
    with serving(tmp_path, count) as (server, port):
        running = workers(server.pid)
        for _ in range(20):  # new connections, spread over the workers by the kernel
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
                assert page.status == 200 and b"Er zijn nog geen films" in page.read()
        stop(server)
        out, err = server.communicate(timeout=30)
    assert (b"with 2 workers" in out) == (count == 2)
    assert b"Traceback" not in err, err.decode()
    # after its graceful shutdown uvicorn raises a SIGTERM again, to end as the signal asked
    assert server.returncode in (0, -signal.SIGTERM), err.decode()
    time.sleep(0.5)
    assert not [pid for pid in running if Path(f"/proc/{pid}").exists()
                and b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # no worker outlives it


def test_several_workers_are_watched_by_a_bare_supervisor(tmp_path: Path) -> None:
    """The supervisor only starts and watches the workers: it holds none of the modules they
    serve with (numpy, Whoosh, the app), which `catalogue serve` itself had imported."""
    with serving(tmp_path, 2) as (server, port):
        def mapped(pid: int) -> str:
            return Path(f"/proc/{pid}/maps").read_text()
        assert all("numpy" in mapped(worker) for worker in workers(server.pid))  # they search
        assert "numpy" not in mapped(server.pid)
        assert b"uvicorn" in Path(f"/proc/{server.pid}/cmdline").read_bytes()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_port_in_use_is_a_clear_error(tmp_path: Path, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(tmp_path), "serve",
                                 "--port", str(port), "--workers", workers], capture_output=True, text=True, timeout=60)
    assert server.returncode == 1 and "Traceback" not in server.stderr
    assert server.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port" in server.stderr


def test_serve_on_an_unknown_host_is_a_clear_error(tmp_path: Path) -> None:
    server = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(tmp_path), "serve",
                             "--host", "no-such-host.invalid"], capture_output=True, text=True, timeout=60)
    assert server.returncode == 1 and "Traceback" not in server.stderr
    assert server.stderr.startswith("Error: cannot listen on no-such-host.invalid:8000: ") and "--host" in server.stderr


@pytest.mark.parametrize("count", [1, 2])
def test_serve_stops_within_its_grace_period_while_a_reader_stalls_a_download(tmp_path: Path, count: int) -> None:
    """A film sent to a reader that stopped reading would hold the stop for as long as it
    stays connected: after its 5 s grace the server ends the response and exits, quietly."""
    films = tmp_path / "media" / "films"
    films.mkdir(parents=True)
    with open(films / "groot.mp4", "wb") as big:
        big.truncate(256 * 1024 * 1024)  # more than any socket buffers
    with serving(tmp_path, count) as (server, port):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as reader:
            reader.sendall(b"GET /media/films/groot.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert reader.recv(1024).startswith(b"HTTP/1.1 200")  # and then it reads no more
            time.sleep(0.5)
            os.killpg(server.pid, signal.SIGINT)
            began = time.monotonic()
            out, err = server.communicate(timeout=30)
            stopped_after = time.monotonic() - began
    assert server.returncode == 0 and b"Traceback" not in err, err.decode()
    assert stopped_after >= 4  # it did wait for the response, then gave up on it
