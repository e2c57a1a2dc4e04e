"""Backups beside the file they keep: a free name, never a cut list or transcript by its pattern."""

from __future__ import annotations

import datetime
import fnmatch
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from catalogue.fsutil import (KEEP_BACKUPS, atomic_path, backup_path, keep_backup, prune_backups,
                              remove_stale_partials, write_text_atomic)

NOW = datetime.datetime(2026, 12, 1, 21, 30, 0)


def test_backup_path_is_named_for_the_file_and_the_time(tmp_path: Path) -> None:
    path = tmp_path / "media" / "film.toml"
    assert backup_path(path, NOW) == tmp_path / "media" / "film.toml.20261201-213000.bak"


def test_backup_path_takes_the_next_free_number(tmp_path: Path) -> None:
    path = tmp_path / "film.nl.vtt"
    (tmp_path / "film.nl.vtt.20261201-213000.bak").write_text("1")
    (tmp_path / "film.nl.vtt.20261201-213000-2.bak").write_text("2")
    assert backup_path(path, NOW).name == "film.nl.vtt.20261201-213000-3.bak"
    assert backup_path(path, NOW + datetime.timedelta(seconds=1)).name == "film.nl.vtt.20261201-213001.bak"


def test_backup_path_never_matches_the_files_pattern(tmp_path: Path) -> None:
    for name in ("film.toml", "film.nl.vtt"):
        keep_backup(tmp_path / name, b"x")
    assert sorted(p.name for p in tmp_path.glob("*.toml")) == []
    assert sorted(p.name for p in tmp_path.glob("*.vtt")) == []


def test_keep_backup_copies_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    path.write_bytes(b"[film]\r\n")
    first = keep_backup(path)
    path.write_bytes(b"[film]\nid = 2\n")
    second = keep_backup(path)
    third = keep_backup(path, b"as read earlier")
    assert len({first, second, third}) == 3
    assert [first.read_bytes(), second.read_bytes(), third.read_bytes()] == [
        b"[film]\r\n", b"[film]\nid = 2\n", b"as read earlier"]
    assert path.read_bytes() == b"[film]\nid = 2\n"
    assert all(p.parent == tmp_path and p.name.startswith("film.toml.") and p.suffix == ".bak"
               for p in (first, second, third))


# --- temporary files: made exclusively, under names no one can guess ---------------------------------

def test_an_atomic_write_never_follows_a_link_planted_at_the_temporary_name(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours")
    folder = tmp_path / "media"
    folder.mkdir()
    dest = folder / "film.toml"
    dest.write_text("[film]\n")
    # where versions before issue 16 wrote: `.<stem>.partial-<pid><ext>`, a name anyone could predict
    (folder / f".film.partial-{os.getpid()}.toml").symlink_to(outside)
    write_text_atomic(dest, "[film]\nid = 'x'\n")
    with atomic_path(folder / "film.nl.vtt") as tmp:
        tmp.write_text("WEBVTT\n")
    assert outside.read_text() == "not yours"
    assert not dest.is_symlink() and dest.read_text() == "[film]\nid = 'x'\n"
    assert (folder / "film.nl.vtt").read_text() == "WEBVTT\n"


def test_a_temporary_file_is_new_empty_and_named_for_stale_cleanup(tmp_path: Path) -> None:
    seen = []
    for _ in range(2):
        with atomic_path(tmp_path / "clip.mp4") as tmp:
            assert tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_size == 0
            assert re.fullmatch(rf"\.clip\.partial-{os.getpid()}-[a-z0-9_]+\.mp4", tmp.name), tmp.name
            assert stat.S_IMODE(tmp.stat().st_mode) == 0o666 & ~current_umask()  # as open() would make it
            seen.append(tmp.name)
            tmp.write_bytes(b"mp4")
    assert seen[0] != seen[1]
    assert fnmatch.fnmatch(seen[0], ".*.partial-*")  # .gitignore's pattern


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_remove_stale_partials_knows_old_and_new_names(tmp_path: Path) -> None:
    dead = dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = [f".a.partial-{dead}-k3x_9q.mp4", f".b.partial-{dead}.vtt", f".c.partial-{live.pid}-ab12.mp4",
                 f".d.partial-{live.pid}.jpg", ".e.partial-²-ab.mp4"]
        for name in names:
            (tmp_path / name).write_bytes(b"")
        removed = remove_stale_partials(tmp_path)
    finally:
        live.kill()
        live.wait()
    assert sorted(p.name for p in removed) == sorted([names[0], names[1], names[4]])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:4])


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


# --- backups: the newest kept, the oldest pruned --------------------------------------------------------

def test_prune_backups_keeps_the_newest_in_time_and_number_order(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    names = ["film.toml.20261201-213000.bak", "film.toml.20261201-213000-2.bak", "film.toml.20261201-213000-10.bak",
             "film.toml.20261201-213001.bak", "film.toml.20261130-090000.bak"]
    for name in names:
        (tmp_path / name).write_text(name)
    (tmp_path / "other.toml.20200101-000000.bak").write_text("another file's")
    removed = prune_backups(path, keep=3)
    assert sorted(p.name for p in removed) == ["film.toml.20261130-090000.bak", "film.toml.20261201-213000.bak"]
    assert (tmp_path / "other.toml.20200101-000000.bak").exists()


def test_keep_backup_keeps_at_most_the_newest_few(tmp_path: Path) -> None:
    path = tmp_path / "film.nl.vtt"
    for number in range(KEEP_BACKUPS + 5):
        keep_backup(path, f"version {number}".encode())
    backups = sorted(tmp_path.glob("film.nl.vtt.*.bak"), key=lambda p: p.read_text())
    assert len(backups) == KEEP_BACKUPS
    assert {p.read_text() for p in backups} == {f"version {n}" for n in range(5, KEEP_BACKUPS + 5)}
