"""Stage 4, the index: Dutch analysis, the Whoosh index built in a fresh folder and swapped in, the
meaning of stretches of speech beside it, search grouped by clip with its moments, and the studio's
search through one film's cues."""

from __future__ import annotations

from catalogue.search.analysis import StopWords, Synonyms, fold, stem
from catalogue.search.build import build_index, prune_index
from catalogue.search.filmcues import FilmCues, film_cues
from catalogue.search.index import SearchIndex
from catalogue.search.query import search
from catalogue.search.results import SearchResults

__all__ = [
    "build_index", "FilmCues", "film_cues", "fold", "prune_index", "search", "SearchIndex", "SearchResults", "stem",
    "StopWords", "Synonyms",
]
