"""Benchmark the catalogue search: its quality on a judged collection, and its speed against SQLite FTS5
on the same cues and queries, in one run.

Quality (issue 18): the judged collection (scripts/search_collection, or --collection DIR in its format)
is indexed, and every query is run through five engines: `strict` (the search before issue 18: every
word required, stop words included), `words` (ranked partial matching alone), `meaning` (the sentence
encoder alone), `fused` (what is served: words and meaning fused), and `FTS5-OR` (SQLite FTS5, one row
per clip, the words joined by OR, ranked by bm25: the baseline nobody here wrote). Prints recall@3,
MRR and the zero-result rate per kind of query (keyword, question, paraphrase), for all queries and
for the dev and test splits, against the targets (recall@3 >= 0.80 overall, >= 0.85 questions,
>= 0.60 paraphrases, >= 0.80 keywords; no question or paraphrase without a result; >= FTS5-OR).

Speed:

For each size (default 10,000 and 100,000 cues) builds a synthetic catalogue in memory: films of
20 clips x 50 cues (3-4 s each, about a quarter with a `<v Name>` voice tag), 8 themes, each clip in
1-2 of them; cue text is real Dutch (../shared/corpus/dutch-text: UD Alpino/LassySmall and Common
Voice sentences cut into subtitle-sized pieces), or, when the corpus is absent, generated from
real and made-up Dutch-looking words with Zipf frequencies (`generated_sentences`). Then, for
each engine:

  Whoosh  `catalogue.search.build_index` into a temporary root (timed, embeddings included, with a cold
          embedding cache; size = the version folder), then `catalogue.search.search(index, q,
          theme=..., limit=10)` with ONE SearchIndex (its searcher is reused): clip ranking, exact
          total and theme facets, up to 3 highlighted, HTML-escaped moments per clip; stemming,
          synonyms, compound parts, typo fallback, partial matching and the query's meaning (the
          query embedded, compared with every unit of speech, the rankings fused). `Whoosh, words`:
          the same without meaning. Then one clip's description and one of its cues change, and
          the index is built again (the re-index time after an edit: only what changed is embedded).
  FTS5    stdlib sqlite3, one table `cues(text, clip_id UNINDEXED, theme, start_ms UNINDEXED)`,
          tokenize='unicode61 remove_diacritics 2', in a file next to the index (timed: create,
          insert, commit). A request = `MATCH` ordered by bm25 with `highlight()`, LIMIT 200 cues,
          grouped in Python to the top 10 clips x 3 moments (escaped like Whoosh's). No stemming,
          no synonyms, no compounds, no fuzzy matching, AND per cue (Whoosh: per clip), no total
          and no facets. The `FTS5+facets` row adds them (distinct matching clips -> theme counts).

The query mix (41 distinct, seeded from the corpus vocabulary): frequent and mid-frequency terms,
two-term AND, quoted two-word phrases, prefixes (Whoosh: the stem; FTS5: `"prefix"*`), typos (a
word with one letter dropped: Whoosh falls back to fuzzy matching, FTS5 finds nothing),
theme-filtered terms and sentences (6-9 words of a cue: partial matching and meaning). Each query once to warm up, then --requests requests round-robin over the mix,
the engines alternating, `time.perf_counter` around each. Any result cache found on the SearchIndex
or in catalogue.search.index is emptied before each request (outside the timing): these are misses.

Prints per size a Markdown table (build s, index MB, p50/p95/p99 ms, Whoosh/FTS5 ratios) against
the targets at 100,000 cues: p95 < 50 ms, build (embeddings included, cold cache) < 10 min, a one-clip
edit re-indexed in seconds. No assertions: times depend on the machine.

    .venv/bin/python scripts/bench_search.py
    .venv/bin/python scripts/bench_search.py --sizes 2000 --requests 100 --profile
    .venv/bin/python scripts/bench_search.py --sizes "" --collection DIR   # quality only, another collection
    .venv/bin/python scripts/bench_search.py --sizes "" --per-query        # and which queries miss
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import html
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalogue.search as cs  # noqa: E402
from search_collection import judged  # noqa: E402
from catalogue.search.analysis import fold, stem, words  # noqa: E402
from catalogue.cutlist import Report  # noqa: E402
from catalogue.model import Clip, Cue, CutList, Film, Theme  # noqa: E402
from catalogue.settings import Settings  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dutch-text"
CLIPS_PER_FILM, CUES_PER_CLIP = 20, 50
THEMES = [("werk", "Werk en inkomen"), ("zorg", "Zorg en welzijn"), ("onderwijs", "Onderwijs"),
          ("wonen", "Wonen en buurt"), ("sport", "Sport en bewegen"), ("cultuur", "Kunst en cultuur"),
          ("migratie", "Nieuwkomers"), ("klimaat", "Klimaat en energie")]
SPEAKERS = ["Sara", "Ahmed", "Fleur", "Daan", "Noor", "Joris"]
FALLBACK_WORDS = ("de het een en van in op met voor niet is was we ze ik je dat die er naar over bij ook "
                  "werk huis buurt school kinderen ouders vrijwilliger vrijwilligers gemeente zorg geld "
                  "tijd mensen samen project gesprek vraag antwoord kansen grenzen brieven taal les "
                  "nieuwkomers begeleiding ervaring verhaal toekomst energie klimaat sporten muziek").split()
SQL = ("SELECT clip_id, start_ms, highlight(cues, 0, char(57344), char(57345)) FROM cues "
       "WHERE cues MATCH ? ORDER BY bm25(cues) LIMIT 200")


def sentences(rng: random.Random) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(CORPUS.rglob("*")) if CORPUS.is_dir() else []:
        if path.name.upper().startswith(("LICENSE", "README")) or not path.is_file():
            continue
        lines = path.read_text("utf-8", errors="replace").splitlines()
        if path.suffix == ".txt":
            found.update(dict.fromkeys(line.strip() for line in lines))
        elif path.suffix == ".tsv":
            found.update(dict.fromkeys(line.split("\t", 1)[-1].strip() for line in lines[1:]))
        elif path.suffix == ".conllu":
            found.update(dict.fromkeys(line[9:].strip() for line in lines if line.startswith("# text = ")))
    real = [s for s in found if len(words(s)) >= 3]
    if real:
        return real
    return generated_sentences(rng)


def generated_sentences(rng: random.Random, n: int = 6000) -> list[str]:
    """Without the corpus: Dutch-looking sentences over a vocabulary of real words and made-up
    compounds (prefix + stem + suffix), drawn with Zipf frequencies like real text, so the query
    mix finds frequent, mid-frequency and long words, repeated word pairs and typos."""
    prefixes = ["", "", "", "be", "ge", "ver", "ont", "her", "over", "onder", "samen", "buurt", "zorg", "taal"]
    stems = ["werk", "huis", "school", "plan", "weg", "land", "stad", "hulp", "raad", "licht", "vraag", "groep",
             "dienst", "steun", "spel", "boek", "brief", "kans", "grens", "tijd", "geld", "markt", "leer", "spreek"]
    suffixes = ["", "en", "er", "ers", "ing", "ingen", "heid", "baar", "lijk", "elijke", "schap", "je", "jes"]
    made = sorted({p + st + su for p in prefixes for st in stems for su in suffixes} - set(FALLBACK_WORDS))
    vocabulary = list(FALLBACK_WORDS) + rng.sample(made, len(made))  # ~3,400 words, in random rank order
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(6, 20))).capitalize() + "." for _ in range(n)]


def chunks(rng: random.Random, source: list[str]) -> list[str]:
    """Sentences cut into subtitle-sized pieces (5-12 words, broken into two lines past 42 chars)."""
    out = []
    for sentence in source:
        parts = sentence.split()
        while parts:
            n = rng.randint(5, 12)
            piece, parts = " ".join(parts[:n]), parts[n:]
            if len(piece) > 42:
                cut = piece.rfind(" ", 0, len(piece) // 2 + 5)
                piece = piece[:cut] + "\n" + piece[cut + 1:] if cut > 0 else piece
            out.append(piece)
    return out


def make_catalogue(rng: random.Random, pool: list[str], n_cues: int) -> tuple[Report, list[tuple[str, str, str, int]]]:
    """The catalogue as `check_cutlists` would report it (no video), and the same cues as FTS5 rows."""
    themes = tuple(Theme(t, title) for t, title in THEMES)
    themes_of: dict[str, tuple[str, ...]] = {}
    report, rows, stream, k = Report(), [], [], 0
    for f in range(max(1, n_cues // (CLIPS_PER_FILM * CUES_PER_CLIP))):
        film = Film(f"film-{f}", f"Film {f}", Path("film.mp4"), "nl")
        cues, clips, t = [], [], 0
        for c in range(CLIPS_PER_FILM):
            start = t
            for _ in range(CUES_PER_CLIP):
                if k % len(pool) == 0:
                    stream = rng.sample(pool, len(pool))
                text, k = stream[k % len(pool)], k + 1
                if rng.random() < 0.25:
                    text = f"<v {rng.choice(SPEAKERS)}>{html.escape(text, quote=False)}"
                dur = rng.randint(3000, 4000)
                cues.append(Cue(t, t + dur, text))
                rows.append((cues[-1].plain.replace("\n", " "), f"f{f}-c{c}", t))
                t += dur + rng.randint(0, 400)
            title = " ".join(words(rng.choice(pool))[:4]).capitalize()
            chosen = tuple(rng.sample([th.id for th in themes], rng.randint(1, 2)))
            themes_of[f"f{f}-c{c}"] = chosen
            clips.append(Clip(f"f{f}-c{c}", film.id, title, chosen, start, cues[-1].end_ms,
                              description=rng.choice(pool).replace("\n", " ")))
        report.cutlists.append(CutList(Path(f"{film.id}.toml"), film, themes, tuple(clips)))
        report.cues[(film.id, "nl")] = cues
    return report, [(text, clip, " ".join(themes_of[clip]), start) for text, clip, start in rows]


Query = tuple[str, str, str, "str | None"]  # kind, Whoosh text, FTS5 expression, theme


def fq(text: str) -> str:
    """An FTS5 string: whatever is inside is words, never syntax."""
    return '"' + text.replace('"', '""') + '"'


def make_queries(rng: random.Random, pool: list[str]) -> list[Query]:
    """(kind, Whoosh text, FTS5 expression, theme); FTS5 terms quoted, so nothing is syntax."""
    counts = Counter(fold(w) for text in pool for w in words(text))
    ranked = [w for w, _ in counts.most_common() if w.isalpha() and len(w) >= 4]
    frequent, mid = ranked[20:150], [w for w in ranked[400:3000] if counts[w] >= 3]
    folded = [[fold(w) for w in words(text)] for text in pool]
    bigrams = Counter(b for ws in folded for b in zip(ws, ws[1:]) if all(x.isalpha() and len(x) >= 3 for x in b))
    pairable = set(mid) | set(frequent[40:])
    cooccur = [tuple(sorted({w for w in ws if w in pairable}))[:2] for ws in rng.sample(folded, 2000)]
    q: list[Query] = [("term", w, fq(w), None) for w in rng.sample(frequent, 6)]
    q += [("mid term", w, fq(w), None) for w in rng.sample(mid, 6)]
    q += [("AND", f"{a} {b}", f"{fq(a)} {fq(b)}", None) for a, b in rng.sample([p for p in cooccur if len(p) == 2], 5)]
    q += [("phrase", f'"{a} {b}"', fq(f"{a} {b}"), None) for a, b in rng.sample([b for b, n in bigrams.items() if n >= 2], 5)]
    for w in rng.sample([w for w in frequent + mid if len(w) >= 8], 4):  # Whoosh: the stem; FTS5: its prefix*
        q.append(("prefix", stem(w), fq(os.path.commonprefix([stem(w), w])) + "*", None))
    for w in rng.sample([w for w in mid if len(w) >= 7], 12):
        i = rng.randint(1, len(w) - 2)
        typo = w[:i] + w[i + 1:]
        if typo not in counts and sum(kind == "typo" for kind, *_ in q) < 4:
            q.append(("typo", typo, fq(typo), None))
    q += [("theme", w, fq(w), rng.choice(THEMES)[0]) for w in rng.sample(frequent + mid, 5)]
    long = [ws for ws in (words(text) for text in rng.sample(pool, 400)) if len(ws) >= 6]
    for ws in long[:6]:  # a sentence typed as a question: partial matching and meaning; FTS5: OR
        said = " ".join(ws[:rng.randint(6, min(9, len(ws)))])
        q.append(("sentence", said, " OR ".join(fq(w) for w in words(said)), None))
    return q


def fts_build(path: Path, rows: list[tuple[str, str, str, int]]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE cues USING fts5(text, clip_id UNINDEXED, theme, start_ms UNINDEXED, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO cues VALUES (?, ?, ?, ?)", rows)
    db.commit()
    return db


def fts_search(db: sqlite3.Connection, expr: str, theme: str | None,
               clip_themes: dict[str, tuple[str, ...]] | None = None) -> int:
    match = f"text : ({expr})" + (f" AND theme : {fq(theme)}" if theme else "")
    clips: dict[str, list[tuple[int, str]]] = {}
    for clip_id, start_ms, marked in db.execute(SQL, (match,)):
        if clip_id in clips or len(clips) < 10:
            moments = clips.setdefault(clip_id, [])
            if len(moments) < 3:
                moments.append((start_ms, html.escape(marked).replace("\ue000", "<mark>").replace("\ue001", "</mark>")))
    for moments in clips.values():
        moments.sort()
    if clip_themes is not None:  # exact total and theme facets, like Whoosh's
        matching = {row[0] for row in db.execute("SELECT DISTINCT clip_id FROM cues WHERE cues MATCH ?",
                                                 (f"text : ({expr})",))}
        Counter(t for c in matching for t in clip_themes[c])
    return len(clips)


def clear_result_caches(index: cs.SearchIndex) -> None:
    """Empty what looks like a result cache (none exists today): on the index, or in catalogue.search.index."""
    for owner in (index, cs):
        for name in dir(owner):
            value: Any = getattr(owner, name, None)
            if "cache" in name.lower() and callable(getattr(value, "clear", None)) and not isinstance(value, type):
                value.clear()
            elif callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == cs.__name__:
                value.cache_clear()


def pct(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:  # a kind the requests did not reach often enough (few requests)
        return (times[0] * 1000,) * 3 if times else (float("nan"),) * 3
    q = statistics.quantiles(times, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def run_size(n: int, root: Path, pool: list[str], queries: list[Query], args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    report, rows = make_catalogue(rng, pool, n)
    catalogue = report.catalogue()
    settings = Settings(root=root)
    began = time.perf_counter()
    stats = cs.build_index(settings, catalogue, report)
    whoosh_build = time.perf_counter() - began
    began = time.perf_counter()
    db = fts_build(root / "fts5.sqlite3", rows)
    fts_build_s = time.perf_counter() - began
    fts_bytes = (root / "fts5.sqlite3").stat().st_size
    clip_themes = {clip.id: clip.themes for clip in catalogue.clips}
    index = cs.SearchIndex(settings)
    engines = {
        "Whoosh": lambda k, w, e, th: len(cs.search(index, w, theme=th, limit=10).clips),
        "Whoosh, words": lambda k, w, e, th: len(cs.search(index, w, theme=th, limit=10, mode="words").clips),
        "FTS5": lambda k, w, e, th: fts_search(db, e, th),
        "FTS5+facets": lambda k, w, e, th: fts_search(db, e, th, clip_themes),
    }
    found = {name: sum(bool(run(*query)) for query in queries) for name, run in engines.items()}  # warm-up
    times: dict[str, list[tuple[str, float]]] = {name: [] for name in engines}
    for i in range(args.requests):
        query = queries[i % len(queries)]
        for name, run in (engines.items() if i % 2 else reversed(engines.items())):
            clear_result_caches(index)
            t0 = time.perf_counter()
            run(*query)
            times[name].append((query[0], time.perf_counter() - t0))
    edit_s, edit_embedded = reindex_after_an_edit(settings, report)
    print(f"\n### {n:,} cues: {stats.clips:,} clips, {stats.cues:,} cues, {len(queries)} queries, "
          f"{args.requests} requests each\n")
    print("| engine | build s | index MB | p50 ms | p95 ms | p99 ms | queries with hits |")
    print("|---|---|---|---|---|---|---|")
    build = {"Whoosh": (whoosh_build, stats.bytes), "FTS5": (fts_build_s, fts_bytes)}
    p = {name: pct([t for _, t in ts]) for name, ts in times.items()}
    for name in engines:
        s, size = build.get(name.split(",")[0].split("+")[0], (whoosh_build, stats.bytes))
        print(f"| {name} | {s:.2f} | {size / 1e6:.1f} | {p[name][0]:.2f} | {p[name][1]:.2f} | {p[name][2]:.2f} "
              f"| {found[name]}/{len(queries)} |")
    at_target = n >= 100_000  # the targets are set at 100,000 cues
    verdict = lambda ok: ("met" if ok else "NOT met") if at_target else "set at 100k cues"  # noqa: E731
    print(f"\nWhoosh p95 {p['Whoosh'][1]:.1f} ms (target < 50 ms: {verdict(p['Whoosh'][1] < 50)}); "
          f"Whoosh/FTS5: p95 x{p['Whoosh'][1] / p['FTS5'][1]:.1f}, words only x{p['Whoosh, words'][1] / p['FTS5'][1]:.1f}, "
          f"build x{whoosh_build / fts_build_s:.1f}; Whoosh build {whoosh_build:.1f} s with {stats.embedded:,} texts "
          f"embedded, cold cache (target < 600 s: {verdict(whoosh_build < 600)}); after a one-clip edit "
          f"{edit_s:.1f} s, {edit_embedded} texts embedded (target: seconds)\n")
    print("| query kind | n | Whoosh p50 / p95 ms | words only p50 / p95 ms | FTS5 p50 / p95 ms |")
    print("|---|---|---|---|---|")
    for kind in dict.fromkeys(k for k, *_ in queries):
        w, o, f = ([t for k, t in times[e] if k == kind] for e in ("Whoosh", "Whoosh, words", "FTS5"))
        print(f"| {kind} | {sum(k == kind for k, *_ in queries)} | {pct(w)[0]:.1f} / {pct(w)[1]:.1f} "
              f"| {pct(o)[0]:.1f} / {pct(o)[1]:.1f} | {pct(f)[0]:.2f} / {pct(f)[1]:.2f} |")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.requests):
            engines["Whoosh"](*queries[i % len(queries)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"catalogue|whoosh", 30)
    db.close()


def reindex_after_an_edit(settings: Settings, report: Report) -> tuple[float, int]:
    """One clip's description and one of its cues changed, the index built again: (seconds, texts embedded)."""
    cutlist = report.cutlists[0]
    clip = cutlist.clips[0]
    edited_clip = dataclasses.replace(clip, description=clip.description + " Nu met een nieuwe zin erbij.")
    key = (cutlist.film.id, cutlist.film.language)
    cues = list(report.cues[key])
    at = next(i for i, cue in enumerate(cues) if cue.start_ms >= clip.start_ms)
    cues[at] = dataclasses.replace(cues[at], text=cues[at].text + " En dit is nieuw gezegd.")
    edited = Report(cutlists=[dataclasses.replace(cutlist, clips=(edited_clip, *cutlist.clips[1:])),
                              *report.cutlists[1:]], cues={**report.cues, key: cues})
    began = time.perf_counter()
    stats = cs.build_index(settings, edited.catalogue(), edited)
    return time.perf_counter() - began, stats.embedded


# --- quality on the judged collection ---------------------------------------------------------

TARGETS = {"all": 0.80, "question": 0.85, "paraphrase": 0.60, "keyword": 0.80}


def quality(folder: Path, per_query: bool = False) -> None:
    report, queries = judged.load(folder)
    with tempfile.TemporaryDirectory(prefix="bench-search-quality-") as tmp:
        settings = Settings(root=Path(tmp))
        stats = cs.build_index(settings, report.catalogue(), report)
        index = cs.SearchIndex(settings)
        engines = {mode: (lambda text, mode=mode: [c.id for c in cs.search(index, text, limit=10, mode=mode).clips])
                   for mode in ("strict", "words", "meaning", "fused")}
        engines["FTS5-OR"] = judged.fts5_or(report)
        ranked = {name: {q.text: list(run(q.text)) for q in queries} for name, run in engines.items()}
        index.close()
    kinds = Counter(q.kind for q in queries)
    print(f"## Quality: {folder} ({stats.clips} clips, {stats.cues} cues; {len(queries)} queries: "
          + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) + ")\n")
    print("Engines: strict = the search before issue 18; words = partial matching alone; meaning = the "
          "sentence encoder alone; fused = what is served; FTS5-OR = the baseline.\n")
    for split in ("all", "dev", "test"):
        chosen = [q for q in queries if split == "all" or q.split == split]
        if not chosen:
            continue
        print(f"### {split} queries ({len(chosen)}): recall@3 / MRR / zero-result rate\n")
        print("| engine | " + " | ".join(f"{kind} ({sum(q.kind == kind or kind == 'all' for q in chosen)})"
                                         for kind in (*judged.KINDS, "all")) + " |")
        print("|---|" + "---|" * (len(judged.KINDS) + 1))
        measured = {name: judged.measure(lambda text, name=name: ranked[name][text], chosen) for name in engines}
        for name, scores in measured.items():
            print(f"| {name} | " + " | ".join(
                f"{scores[k].recall3:.2f} / {scores[k].mrr:.2f} / {scores[k].zero:.2f}" if k in scores else "-"
                for k in (*judged.KINDS, "all")) + " |")
        fused, baseline = measured["fused"], measured["FTS5-OR"]
        checks = [f"recall@3 {k} {fused[k].recall3:.2f} (target >= {t}: {'met' if fused[k].recall3 >= t else 'NOT met'})"
                  for k, t in TARGETS.items() if k in fused]
        checks += [f"{k} >= FTS5-OR: {'yes' if fused[k].recall3 >= baseline[k].recall3 else 'NO'}"
                   for k in judged.KINDS if k in fused]
        checks += [f"{k} without a result: {round(fused[k].zero * fused[k].n)}" for k in ("question", "paraphrase")
                   if k in fused]
        print("\nfused: " + "; ".join(checks) + "\n")
    if per_query:
        print("### Per query: recall@3 fused / FTS5-OR, and the fused top 3 (* relevant)\n")
        print("| kind | split | query | fused | FTS5-OR | fused top 3 |\n|---|---|---|---|---|---|")
        for q in queries:
            recall = {name: len(q.relevant & set(ranked[name][q.text][:3])) / min(3, len(q.relevant))
                      for name in ("fused", "FTS5-OR")}
            top = ", ".join(("*" if c in q.relevant else "") + c for c in ranked["fused"][q.text][:3])
            print(f"| {q.kind} | {q.split} | {q.text} | {recall['fused']:.2f} | {recall['FTS5-OR']:.2f} | {top} |")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="cue counts, comma-separated (whole films of 1,000 cues); empty: quality only")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per engine and size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build into DIR/cues-N and keep it")
    parser.add_argument("--profile", action="store_true", help="cProfile the Whoosh requests afterwards")
    parser.add_argument("--collection", type=Path, default=judged.HERE,
                        help="a judged collection (scripts/search_collection/README.md); 'none' to skip")
    parser.add_argument("--per-query", action="store_true",
                        help="also each query's recall@3 and the fused top 3 (to see which queries miss)")
    args = parser.parse_args()
    print(f"# Search benchmark: catalogue.search vs SQLite FTS5 {sqlite3.sqlite_version}\n")
    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}.\n")
    if str(args.collection) != "none":
        quality(args.collection, args.per_query)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes:
        return
    rng = random.Random(args.seed)
    source = sentences(rng)
    pool = chunks(rng, source)
    queries = make_queries(rng, pool)
    print(f"## Speed\n\nText: {len(source):,} distinct sentences of 3+ words "
          f"({'corpus ' + str(CORPUS) if CORPUS.is_dir() else 'generated'}) -> {len(pool):,} cue texts; seed {args.seed}.\n")
    print("Queries: " + "; ".join(f"{k}: {w}" + (f" [theme={th}]" if th else "") for k, w, _, th in queries))
    for n in sizes:
        if args.keep:
            root = args.keep / f"cues-{n}"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            run_size(n, root, pool, queries, args)
        else:
            with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
                run_size(n, Path(tmp), pool, queries, args)


if __name__ == "__main__":
    main()
