"""The report and benchmark scripts the README points to still run and print their tables
(small inputs here; their numbers are for the README, not for tests)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from catalogue.settings import PROJECT_DIR

SCRIPTS = PROJECT_DIR / "scripts"


def run_script(name: str, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / name), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=PROJECT_DIR)


def small_corpus(folder: Path, gray_film: Path) -> Path:
    (folder / "subs").mkdir(parents=True)
    (folder / "subs" / "good.vtt").write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nHallo\n", encoding="utf-8")
    (folder / "subs" / "bad.srt").write_text("1\n00:00:01,000 -> 00:00:02,000\nHallo\n", encoding="utf-8")
    (folder / "video").mkdir()
    shutil.copyfile(gray_film, folder / "video" / "gray.mp4")
    (folder / "video" / "not-a-video.mp4").write_bytes(b"this is text, not a film\n" * 40)
    (folder / "SOURCES.md").write_text("not an input: skipped\n", encoding="utf-8")
    return folder


def test_corpus_report_sorts_each_file_into_ok_or_clear_error(tmp_path: Path, gray_film: Path) -> None:
    report = run_script("corpus_report.py", "--corpus", small_corpus(tmp_path / "corpus", gray_film), "--jobs", "2")
    assert report.returncode == 0, report.stdout + report.stderr
    rows = {m[0]: m[1] for m in re.findall(r"^\| (\S+) \| \w+ \| (ok|error: .*?) \|", report.stdout, re.M)}
    assert rows.keys() == {"subs/good.vtt", "subs/bad.srt", "video/gray.mp4", "video/not-a-video.mp4"}
    assert rows["subs/good.vtt"] == rows["video/gray.mp4"] == "ok"
    assert re.search(r"bad.srt, line \d+: ", rows["subs/bad.srt"]) and rows["video/not-a-video.mp4"].startswith("error: ")
    assert "**4 files**" in report.stdout and "2 ok, 2 clear error, 0 FAILED" in report.stdout


def test_corpus_report_fails_on_a_file_that_hangs(tmp_path: Path, gray_film: Path) -> None:
    """A time limit no worker can meet stands in for a hang: reported, exit 1."""
    report = run_script("corpus_report.py", "--corpus", small_corpus(tmp_path / "corpus", gray_film),
                        "--timeout", "0.001")
    assert report.returncode == 1
    assert "4 FAILED" in report.stdout and "**FAILED**" in report.stdout
    assert "Traceback" not in report.stdout + report.stderr


def test_bench_search_prints_its_table_with_the_fts5_ratio(tmp_path: Path) -> None:
    bench = run_script("bench_search.py", "--sizes", "1000", "--requests", "35", "--keep", tmp_path)
    assert bench.returncode == 0, bench.stderr
    table = re.search(r"^\| Whoosh \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| (\d+)/(\d+) \|$", bench.stdout, re.M)
    assert table and int(table[1]) > 0 and int(table[2]) >= 30, bench.stdout  # 30+ queries, some finding cues
    assert re.search(r"^\| FTS5 \| ", bench.stdout, re.M)
    assert re.search(r"Whoosh p95 [\d.]+ ms \(target < 50 ms: set at 100k cues\); Whoosh/FTS5: p95 x[\d.]+",
                     bench.stdout)
    assert re.search(r"after a one-clip edit [\d.]+ s, \d+ texts embedded", bench.stdout)
    quality = re.search(r"^\| fused \| ([\d.]+) / [\d.]+ / [\d.]+ \| ([\d.]+) / [\d.]+ / 0\.00 \| "
                        r"([\d.]+) / [\d.]+ / 0\.00 \|", bench.stdout, re.M)
    assert quality and float(quality[2]) > 0.5, bench.stdout  # the judged collection: questions answered
    assert re.search(r"^\| FTS5-OR \| ", bench.stdout, re.M) and re.search(r"^\| strict \| ", bench.stdout, re.M)
    assert (tmp_path / "cues-1000" / ".catalogue" / "index" / "CURRENT").is_file()


def test_bench_captions_prints_its_table_with_the_ratio() -> None:
    bench = run_script("bench_captions.py", "--cues", "30", "--large", "60")
    assert bench.returncode == 0, bench.stdout + bench.stderr
    assert re.search(r"^\| 30 replaces, 30 cues \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+× \|$", bench.stdout, re.M), bench.stdout

