"""Property tests for cut-list loading: any TOML document, or any text at all, gives either a
valid catalogue or a CatalogueError, never another exception (issue 5).

Documents are built as dicts (the real keys film/theme/clip with values of every TOML type,
plus strays), written by the tiny TOML writer below, and checked with a real prober on a real
2-second video. Timecode, subtitle-bytes and search-query properties live in test_timecode.py,
test_subtitles.py and test_search.py.
"""

from __future__ import annotations

import datetime
import json
import math
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_video
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.cutlist import Report, check_cutlists
from catalogue.cutlist.checker import SLUG
from catalogue.errors import CatalogueError
from catalogue.media import probe_cached

# --- a tiny TOML writer ---------------------------------------------------------------------


def toml_string(text: str) -> str:
    # JSON's escapes are TOML's, except that TOML also wants DEL escaped
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)  # 'inf', '-inf', '1e+300', '0.5' are all TOML
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict[str, Any]) -> str:
    """Top-level tables as [table], lists of tables as [[table]], the rest inline."""
    lines = []
    plain = {k: v for k, v in data.items() if not _is_table(v) and not _is_table_list(v)}
    lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in plain.items()]
    for key, value in data.items():
        if _is_table(value):
            lines += ["", f"[{toml_string(key)}]"] + [f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()]
        elif _is_table_list(value):
            for table in value:
                lines += ["", f"[[{toml_string(key)}]]"]
                lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def test_the_writer_writes_what_tomllib_reads() -> None:
    data = {"film": {"id": "a", "n": 1, "f": float("inf"), "s": "\x7f\"\\\n😀", "d": datetime.date(2020, 1, 2),
                     "sub": {"nl": "x.vtt"}}, "clip": [{"id": "b", "l": [1, "x", [True]]}], "x": 1.5}
    assert tomllib.loads(toml_document(data)) == data


# --- strategies -----------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
FILE_NAMES = ["film.mp4", "sub.vtt", "sub.srt", "bad.vtt", "notvideo.mp4", "missing.mp4", "../film.mp4", ".", "",
              "film.mp4/", "audio.mka"]
TIMES = st.one_of(st.sampled_from(["0", "1", "00:00:00.500", "00:00:01", "1.5", "00:00:02.000", "0:02", "3",
                                   "00:00:01,000", "99:99", "-1", "1e3", "١"]),
                  st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True), TEXT)
SCALARS = st.one_of(
    TEXT, st.sampled_from(FILE_NAMES), st.booleans(), st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(timezones=st.none() | st.just(datetime.timezone.utc)), st.dates(), st.times(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=6)
SLUGS = st.sampled_from(["a", "film", "impact", "een-seconde", "x1", "Bad Id", "", "a--b"])


@st.composite
def tables(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """A table with a random subset of its real keys (each with a fitting or a random value) and strays."""
    table: dict[str, Any] = {}
    for key, good in fields.items():
        if draw(st.integers(0, 9)) < 8:
            table[key] = draw(good if draw(st.integers(0, 9)) < 8 else VALUES)
    table.update(draw(st.dictionaries(TEXT | st.sampled_from(["titel", "ids", "start "]), VALUES, max_size=2)))
    return table


FILM = tables({
    "id": SLUGS, "title": TEXT, "video": st.sampled_from(FILE_NAMES), "language": st.sampled_from(["nl", "en", ""]),
    "description": TEXT, "credits": TEXT,
    "subtitles": st.dictionaries(st.sampled_from(["nl", "en", "NL", "nl-BE", "x"]) | TEXT,
                                 st.sampled_from(FILE_NAMES) | VALUES, max_size=3),
})
THEME = tables({"id": SLUGS, "title": TEXT, "description": TEXT})
CLIP = tables({
    "id": SLUGS, "title": TEXT, "themes": st.lists(SLUGS, max_size=3), "start": TIMES, "end": TIMES,
    "poster": TIMES, "description": TEXT, "speakers": st.lists(TEXT, max_size=2),
})


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if draw(st.integers(0, 9)) < 9:
        doc["film"] = draw(FILM if draw(st.integers(0, 9)) < 9 else VALUES)
    for key, strategy in (("theme", THEME), ("clip", CLIP)):
        if draw(st.integers(0, 9)) < 8:
            doc[key] = draw(st.lists(strategy, max_size=3) if draw(st.integers(0, 9)) < 9 else VALUES)
    doc.update(draw(st.dictionaries(TEXT | st.sampled_from(["films", "clips", "Film"]), VALUES, max_size=2)))
    return doc


def valid_document(video: str = "film.mp4") -> dict[str, Any]:
    return {"film": {"id": "film", "title": "Film", "video": video, "language": "nl",
                     "subtitles": {"nl": "sub.vtt", "en": "sub.srt"}},
            "theme": [{"id": "impact", "title": "Impact"}],
            "clip": [{"id": "een", "title": "Eén", "themes": ["impact"], "start": "0", "end": "00:00:01.500"}]}


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three fields replaced, removed or added: errors deep inside."""
    doc = valid_document(draw(st.sampled_from(["film.mp4", "film.mp4", "notvideo.mp4", "audio.mka"])))
    for _ in range(draw(st.integers(1, 3))):
        film = doc["film"]
        subtitles = film.get("subtitles")
        table = draw(st.sampled_from([film, doc["theme"][0], doc["clip"][0]]
                                     + ([subtitles] if isinstance(subtitles, dict) else [])))
        key = draw((st.sampled_from(sorted(table)) | TEXT) if table else TEXT)
        if draw(st.booleans()) and key in table:
            del table[key]
        else:
            table[key] = draw(TIMES if key in ("start", "end", "poster") else VALUES)
    return doc


SOURCES = st.one_of(
    documents().map(toml_document),
    mutated_documents().map(toml_document),
    st.text(max_size=300),                                   # raw text, mostly invalid TOML
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


# --- the property ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Files the documents may name: a real 2-second video, subtitles, junk; and the probe cache."""
    folder = tmp_path_factory.mktemp("assets")
    make_video(folder / "film.mp4", seconds=2)
    make_video(folder / "audio.mka", seconds=2, extra=("-vn",))
    (folder / "sub.vtt").write_text("WEBVTT\n\n00:00:00.200 --> 00:00:01.000\nHallo\n", encoding="utf-8")
    (folder / "sub.srt").write_text("1\n00:00:00,200 --> 00:00:01,000\nHallo\n", encoding="utf-8")
    (folder / "bad.vtt").write_text("WEBVTT\n\n00:00:00.200 -> 00:00:01.000\nHallo\n", encoding="utf-8")
    (folder / "notvideo.mp4").write_text("geen video", encoding="utf-8")
    yield folder


def check(texts: list[str], assets: Path) -> Report | None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "media"
        root.mkdir()
        for name in ("film.mp4", "audio.mka", "sub.vtt", "sub.srt", "bad.vtt", "notvideo.mp4"):
            (root / name).symlink_to(assets / name)
        paths = []
        for number, text in enumerate(texts):
            path = root / f"lijst{number}.toml"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            paths.append(path)
        report = check_cutlists(paths, lambda p: probe_cached(p, assets / "probe"))
        for problem in report.errors + report.warnings:
            assert str(problem)
        try:
            catalogue = report.catalogue()
        except CatalogueError as exc:
            assert str(exc)
            return None
        for clip in catalogue.clips:
            assert SLUG.match(clip.id) and 1000 <= clip.end_ms - clip.start_ms and clip.start_ms >= 0
            assert clip.end_ms <= 2100  # the video lasts 2 s: no clip past its end
        return report


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(SOURCES, min_size=1, max_size=2))
def test_any_cut_list_gives_a_catalogue_or_a_catalogue_error(assets: Path, texts: list[str]) -> None:
    check(texts, assets)


def test_the_valid_document_gives_a_catalogue(assets: Path) -> None:
    """The property above reaches the end: the unmutated document is a catalogue with its clip."""
    report = check([toml_document(valid_document())], assets)
    assert report is not None
    assert [clip.id for clip in report.catalogue().clips] == ["een"]
    assert set(report.cues) == {("film", "nl"), ("film", "en")}
