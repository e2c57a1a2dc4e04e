"""The moments of a clip to play: the cues that say most of the query (their words marked), or, for a
clip found by meaning alone, the start of the stretch of speech most like the query (nothing marked).

The cues live in the index version's SQLite table (one row per cue, analysed at build time): a quick
prefilter in SQL, then `catalogue.search.matching.match_cue` decides, and only the shown cues are
marked (escaped here: only the <mark> tags are markup).
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Collection, Sequence
from typing import Any

from catalogue.search.analysis import ParsedQuery, stem
from catalogue.search.matching import PHRASE_SCORE, QueryWord, marker, match_cue, says
from catalogue.search.results import Moment

MOMENTS_PER_CLIP = 3
RELATED_MOMENT_CUES = 2  # a related moment shows the first cues of its stretch


def moments(db: sqlite3.Connection, clip_ids: Sequence[str], parsed: ParsedQuery, query_words: Sequence[QueryWord],
             marked: Sequence[QueryWord], said: Collection[str] = ()) -> dict[str, list[Moment]]:
    """Per clip, the cues that match the most of the query (up to 3, in time order), with the
    words of `marked` marked. `said`: clips whose transcript says a phrase of the query."""
    if not clip_ids:
        return {}
    phrases = [[stem(w) for w in phrase] for phrase in parsed.phrases]
    # only cues holding a query word (in one of its forms) or all words of a phrase reach Python;
    # a cue's terms are space-delimited
    forms = sorted({f" {t} " for w in query_words
                    for t in (w.stem, w.folded, *w.synonyms, *w.near, *map(stem, w.near))})
    conditions = ["instr(terms, ?)"] * len(forms)
    wanted = list(forms)
    for phrase in phrases:
        conditions.append("(" + " AND ".join(["instr(terms, ?)"] * len(phrase)) + ")")
        wanted += [f" {s} " for s in phrase]
    scored = scored_cues(db, clip_ids, conditions, wanted, marked, phrases)
    bare = [clip_id for clip_id in clip_ids if clip_id not in scored and clip_id in said]
    if bare:  # a phrase said across two cues: no cue holds all its words, the cues around it hold some
        loose = forms + sorted({f" {s} " for phrase in phrases for s in phrase})
        for clip_id, found in scored_cues(db, bare, ["instr(terms, ?)"] * len(loose), loose, marked,
                                           phrases).items():
            scored[clip_id] = join_across(found, phrases)
    moments = {}
    mark = marker(marked)
    for clip_id, found in scored.items():
        most = max(matched for matched, _, _ in found)  # only the cues that match the most parts of the query
        best = sorted((item for item in found if item[0] == most), key=lambda item: -item[1])[:MOMENTS_PER_CLIP]
        moments[clip_id] = [Moment(row[1], row[2], row[4], mark(row[4]), row[3])
                            for _, _, row in sorted(best, key=lambda item: item[2][1])]
    return moments


def scored_cues(db: sqlite3.Connection, clip_ids: Sequence[str], conditions: Sequence[str], terms: Sequence[str],
                 marked: Sequence[QueryWord], phrases: Sequence[list[str]]
                 ) -> dict[str, list[tuple[int, float, tuple[Any, ...]]]]:
    """Per clip, its cues meeting one of the SQL `conditions` (on `terms`) that match part of the
    query: (parts matched, score, row)."""
    marks = ", ".join("?" * len(clip_ids))
    rows = db.execute(f"SELECT clip_id, start_ms, end_ms, speaker, text, stems, folded, parts, speaker_stems, "
                      f"rowid FROM cues WHERE clip_id IN ({marks}) AND ({' OR '.join(conditions) or '0'})",
                      [*clip_ids, *terms]).fetchall()
    scored: dict[str, list[tuple[int, float, tuple[Any, ...]]]] = {}
    for row in rows:
        matched, score = match_cue(row[5].split(), set(row[6].split()), set(row[7].split()), set(row[8].split()),
                                   marked, phrases)
        if matched:
            scored.setdefault(row[0], []).append((matched, score, row))
    return scored


def join_across(found: list[tuple[int, float, tuple[Any, ...]]],
                 phrases: Sequence[list[str]]) -> list[tuple[int, float, tuple[Any, ...]]]:
    """A cue where a phrase starts and the next cue ends it (the table keeps a clip's cues in
    time order, so the next cue is the next rowid) counts as saying the phrase."""
    by_rowid = {item[2][9]: item for item in found}
    joined = []
    for matched, score, row in found:
        following = by_rowid.get(row[9] + 1)
        if following is not None:
            stems = row[5].split() + following[2][5].split()
            for phrase in phrases:
                if says(stems, phrase):
                    matched, score = matched + 1, score + PHRASE_SCORE
        joined.append((matched, score, row))
    return joined


def related_moment(db: sqlite3.Connection, clip_id: str, start_ms: int, end_ms: int) -> Moment | None:
    """The start of a stretch of the clip (a window of its cues): its first cues' text, unmarked."""
    rows = db.execute("SELECT start_ms, text, speaker FROM cues WHERE clip_id = ? AND start_ms >= ? AND start_ms < ? "
                      "ORDER BY start_ms LIMIT ?", (clip_id, start_ms, max(end_ms, start_ms + 1),
                                                    RELATED_MOMENT_CUES)).fetchall()
    if not rows:
        return None
    text = " ".join(row[1] for row in rows)
    return Moment(start_ms, end_ms, text, html.escape(text), rows[0][2], related=True)
