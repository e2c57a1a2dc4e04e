"""Atomic index rebuild (PRODUCT §5, §6): a reader in another process searches without pause while
the index is rebuilt again and again; it never fails, never comes back empty for a query that
matches in every version, and ends up on the newest version without a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.errors import CatalogueError
from catalogue.media import probe_cached
from catalogue.search import SearchIndex, build_index, search
from catalogue.settings import PROJECT_DIR, Settings

MakeCatalogue = Callable[..., Path]
MARKERS = ["eenhoorn", "kolibrie", "pinguin", "giraf", "olifant", "zeehond", "walrus"]  # one a version, far apart
REBUILDS = len(MARKERS) - 1
READER_MAX_S = 60

# Searches "buddy" (said in every version) from a few threads until the stop file appears, then
# searches the newest version's marker once and writes a summary.
READER = textwrap.dedent('''
    import json, sys, threading, time, traceback
    from pathlib import Path
    from catalogue.search import SearchIndex, search
    from catalogue.settings import Settings

    root, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    threads, max_s = int(sys.argv[4]), float(sys.argv[5])
    index = SearchIndex(Settings(root))
    lock = threading.Lock()
    summary = {"searches": 0, "errors": [], "empty": [], "versions": []}

    def read():
        deadline = time.monotonic() + max_s
        while not stop.exists() and time.monotonic() < deadline:
            try:
                results = search(index, "buddy")
                version = index.version().folder.name
                problem = None if results.total and results.clips and results.clips[0].moments else repr(results)
            except Exception:
                with lock:
                    summary["errors"].append(traceback.format_exc())
                continue
            with lock:
                summary["searches"] += 1
                if problem:
                    summary["empty"].append(problem)
                if version not in summary["versions"]:
                    summary["versions"].append(version)

    search(index, "buddy")
    Path(str(out) + ".ready").write_text("ready")
    workers = [threading.Thread(target=read) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    marker = (root / "marker.txt").read_text("utf-8")
    summary["marker_total"] = search(index, marker).total
    summary["current"] = index.version().folder.name
    out.write_text(json.dumps(summary))
''')


def cutlist_clips(version: int) -> str:
    """The clips of version `version`: "buddy" in every one; a marker word, and the clips' order
    and bounds, differ."""
    eerste = f'''
        [[clip]]
        id = "eerste"
        title = "Eerste clip"
        description = "Versie {MARKERS[version]}"
        themes = ["rekrutering"]
        start = "00:00:00.{800 + version * 10:03d}"
        end = "00:00:03.200"
        '''
    tweede = f'''
        [[clip]]
        id = "tweede-{version}"
        title = "Tweede clip"
        themes = ["omgaan-met-grenzen"]
        start = "00:00:03.800"
        end = "00:00:0{6 + version % 3}.400"
        '''
    return textwrap.dedent(eerste + tweede if version % 2 else tweede + eerste)


def rebuild(settings: Settings) -> str:
    report = check_cutlists(settings.cutlist_paths(), lambda path: probe_cached(path, settings.probe_dir))
    return build_index(settings, report.catalogue(), report).version


def wait_for(path: Path, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} did not appear in {seconds} s"
        time.sleep(0.02)


@pytest.mark.parametrize("old_versions", ["recent", "long-replaced"])
def test_search_reader_never_fails_nor_comes_back_empty_during_rebuilds(
        small_catalogue: MakeCatalogue, tmp_path: Path, old_versions: str) -> None:
    """`long-replaced`: before each rebuild every version folder is made to look a day old, as on a
    server whose index is rebuilt daily, so each rebuild removes versions while the reader runs."""
    settings = Settings(tmp_path)
    small_catalogue(cutlist_clips(0))
    (tmp_path / "marker.txt").write_text(MARKERS[0], encoding="utf-8")
    built = [rebuild(settings)]
    script, stop, out = tmp_path / "reader.py", tmp_path / "stop", tmp_path / "summary.json"
    script.write_text(READER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))}
    reader = subprocess.Popen([sys.executable, str(script), str(tmp_path), str(stop), str(out), "3", str(READER_MAX_S)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(Path(f"{out}.ready"), reader, 30)
        for version in range(1, REBUILDS + 1):
            if old_versions == "long-replaced":
                for folder in settings.index_dir.iterdir():
                    if folder.is_dir():
                        os.utime(folder, (time.time() - 86_400, time.time() - 86_400))
            small_catalogue(cutlist_clips(version))
            (tmp_path / "marker.txt").write_text(MARKERS[version], encoding="utf-8")
            built.append(rebuild(settings))
            time.sleep(0.3)  # the reader searches each version a while
    finally:
        stop.write_text("stop")
        try:
            _, stderr = reader.communicate(timeout=READER_MAX_S + 30)
        except subprocess.TimeoutExpired:
            reader.kill()
            raise
    assert reader.returncode == 0, stderr.decode()
    summary = json.loads(out.read_text("utf-8"))
    assert summary["errors"] == [], f"{len(summary['errors'])} errors, the first:\n{summary['errors'][0]}"
    assert summary["empty"] == []
    assert summary["searches"] > 50
    assert summary["current"] == built[-1] and summary["marker_total"] == 1
    assert len(set(summary["versions"]) & set(built)) >= 3  # it followed the switches as they came
    assert search(SearchIndex(settings), MARKERS[-2]).total == 0
    kept = [folder.name for folder in settings.index_dir.iterdir() if folder.is_dir()]
    assert built[-1] in kept and len(kept) == (2 if old_versions == "long-replaced" else len(built))


def test_search_index_follows_a_rebuild_in_the_same_process(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    small_catalogue(cutlist_clips(0))
    rebuild(settings)
    index = SearchIndex(settings)
    before = search(index, "buddy")
    small_catalogue(cutlist_clips(1))
    rebuild(settings)
    after = search(index, "buddy")
    assert [c.id for c in before.clips] == [c.id for c in after.clips] == ["eerste"]
    assert (search(index, MARKERS[0]).total, search(index, MARKERS[1]).total) == (0, 1)
    assert after.clips[0].moments[0].start_ms == 1000 - 810  # the clip now starts 10 ms later


def test_search_failed_rebuild_keeps_the_current_index(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(tmp_path)
    small_catalogue(cutlist_clips(0))
    current = rebuild(settings)
    index = SearchIndex(settings)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("catalogue.search.build.write_text_atomic", broken)
    with pytest.raises(CatalogueError, match="disk full.*current index is unchanged"):  # said plainly
        rebuild(settings)
    assert (settings.index_dir / "CURRENT").read_text("utf-8") == current
    assert sorted(p.name for p in settings.index_dir.iterdir()) == sorted(["CURRENT", current])
    assert search(index, "buddy").total == 1
