"""What a search gives: clips, best first, each with the moments to play and the words it matched."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Moment:
    start_ms: int
    end_ms: int
    text: str  # plain text
    html: str  # the same, escaped, with <mark> around the matching words (none in a related moment)
    speaker: str = ""
    related: bool = False  # found by meaning: the start of the stretch most like the query, nothing marked


@dataclass(frozen=True)
class ClipHit:
    id: str
    film_id: str
    title: str
    description: str
    themes: list[str]
    speakers: list[str]
    duration_ms: int
    score: float
    moments: list[Moment]
    matched: list[str] = field(default_factory=list)  # the query's words this clip matches (as typed)
    missing: list[str] = field(default_factory=list)  # the query's words it does not ("Niet gevonden: …")
    related: bool = False  # matches none of the query's words, only its meaning ("verwant aan je vraag")


@dataclass(frozen=True)
class SearchResults:
    query: str
    theme: str | None
    total: int  # clips matching, with the theme filter
    clips: list[ClipHit]
    facets: dict[str, int]  # theme id -> clips matching, without the theme filter
    suggestion: str | None = None  # "did you mean", for words neither in the catalogue nor Dutch
    fuzzy: bool = False  # results come from typo-tolerant matching
    unknown: list[str] = field(default_factory=list)  # words the catalogue does not have, nor a near word

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
