"""The judged collection (README.md beside this file) as a catalogue, the engines measured on it, and
the measures: recall@3, MRR and the zero-result rate per kind of query.

A collection is a folder with `queries.toml` and, for the films, any of: `demo = true` in
`collection.toml` (the demo film of catalogue.demo.script, timed as `catalogue demo` times it) and
film files in the format of `interviews.toml`. `load(folder)` reads one; so a held-out collection in the
same format is measured the same way (`scripts/bench_search.py --collection DIR`).
"""

from __future__ import annotations

import sqlite3
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from catalogue.cutlist import Report
from catalogue.demo.generator import PAD_MS, demo_report, line_duration_ms
from catalogue.model import Clip, Cue, CutList, Film, Theme
from catalogue.search.analysis import words
from catalogue.subtitles import escape_text

HERE = Path(__file__).resolve().parent
KINDS = ("keyword", "question", "paraphrase")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    split: str
    relevant: frozenset[str]


def load(folder: Path = HERE) -> tuple[Report, list[Query]]:
    """The collection's films as `check_cutlists` would report them (no video), and its queries."""
    report = Report()
    settings = tomllib.loads((folder / "collection.toml").read_text("utf-8")) \
        if (folder / "collection.toml").is_file() else {"demo": True}
    if settings.get("demo", False):
        _add_demo(report)
    for path in sorted(folder.glob("*.toml")):
        if path.name not in ("queries.toml", "collection.toml"):
            _add_film(report, tomllib.loads(path.read_text("utf-8")), path)
    raw = tomllib.loads((folder / "queries.toml").read_text("utf-8"))["query"]
    queries = [Query(q["text"], q["kind"], q.get("split", "test"), frozenset(q["relevant"])) for q in raw]
    return report, queries


def _add_demo(report: Report) -> None:
    demo = demo_report(Path("demo"))
    report.cutlists.extend(demo.cutlists)
    report.cues.update(demo.cues)


def _add_film(report: Report, data: dict, path: Path) -> None:  # type: ignore[type-arg]
    """A film of the collection: its clips' lines said one after the other, each as long as the demo
    would show it, 2 s between clips."""
    film = Film(data["film"]["id"], data["film"]["title"], path.with_suffix(".mp4"), data["film"].get("language", "nl"))
    at, cues, clips = 3000, [], []
    for clip in data["clip"]:
        start = at
        for speaker, text in clip["lines"]:
            end = at + line_duration_ms(text)
            voice = f"<v {escape_text(speaker)}>" if speaker else ""
            cues.append(Cue(at, end, voice + escape_text(text)))
            at = end + 300
        clips.append(Clip(clip["id"], film.id, clip["title"], tuple(clip["themes"]), start - PAD_MS, at - 300 + PAD_MS,
                          description=clip.get("description", ""),
                          speakers=tuple(sorted({s for s, _ in clip["lines"] if s}))))
        at += 2000
    themes = tuple(Theme(t["id"], t["title"]) for t in data.get("theme", []))
    report.cutlists.append(CutList(path, film, themes, tuple(clips)))
    report.cues[(film.id, film.language)] = cues


def fts5_or(report: Report) -> Callable[[str], list[str]]:
    """The baseline nobody here wrote: SQLite FTS5 (unicode61, diacritics removed), one row per clip
    (title, description, transcript), the query's words joined by OR, ranked by bm25()."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE clips USING fts5(clip_id UNINDEXED, title, description, transcript, "
               "tokenize='unicode61 remove_diacritics 2')")
    for cutlist in report.cutlists:
        cues = report.cues[(cutlist.film.id, cutlist.film.language)]
        for clip in cutlist.clips:
            said = " ".join(c.plain for c in cues if c.start_ms >= clip.start_ms and c.end_ms <= clip.end_ms)
            db.execute("INSERT INTO clips VALUES (?, ?, ?, ?)", (clip.id, clip.title, clip.description, said))

    def run(text: str) -> list[str]:
        found = words(text)
        if not found:
            return []
        expression = " OR ".join('"' + w.replace('"', '""') + '"' for w in found)
        return [row[0] for row in db.execute("SELECT clip_id FROM clips WHERE clips MATCH ? ORDER BY bm25(clips) "
                                             "LIMIT 10", (expression,))]
    return run


@dataclass(frozen=True)
class Scores:
    n: int
    recall3: float
    mrr: float
    zero: float


def measure(rank: Callable[[str], Sequence[str]], queries: Sequence[Query]) -> dict[str, Scores]:
    """Per kind and "all": recall@3 = |relevant in the top 3| / min(3, |relevant|); MRR over the top 10;
    the share of queries with no result at all."""
    rows: dict[str, list[tuple[float, float, bool]]] = {}
    for query in queries:
        ranked = list(rank(query.text))
        recall = len(query.relevant & set(ranked[:3])) / min(3, len(query.relevant))
        reciprocal = next((1 / n for n, clip in enumerate(ranked[:10], start=1) if clip in query.relevant), 0.0)
        rows.setdefault(query.kind, []).append((recall, reciprocal, not ranked))
    rows["all"] = [row for kind in KINDS for row in rows.get(kind, [])]
    return {kind: Scores(len(r), *(sum(x[i] for x in r) / len(r) for i in range(3)))  # type: ignore[arg-type]
            for kind, r in rows.items() if r}
