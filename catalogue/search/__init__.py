"""Stage 4, the index: Dutch analysis, the Whoosh index built in a fresh folder and swapped in, search
grouped by clip with its moments, and the studio's search through one film's cues."""

from __future__ import annotations

from catalogue.search.index import SearchIndex, SearchResults, build_index, search
from catalogue.search.analysis import Synonyms
from catalogue.search.filmcues import FilmCues

__all__ = [
    "build_index", "FilmCues", "search", "SearchIndex", "SearchResults", "Synonyms",
]
