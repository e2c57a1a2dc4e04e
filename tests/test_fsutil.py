"""Backups beside the file they keep: a free name, never a cut list or transcript by its pattern."""

from __future__ import annotations

import datetime
from pathlib import Path

from catalogue.fsutil import backup_path, keep_backup

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
