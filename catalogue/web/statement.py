"""The accessibility statement (`/toegankelijkheid`): the sections of the EU model statement (Decision
(EU) 2018/1523) as the Flemish government uses them, filled from the site settings (catalogue.cutlist
site.toml) and from the catalogue itself: which clips (and films) fail a success criterion of WCAG 2.1,
and why, is listed from the data, so the statement stays true as clips, captions and descriptions change.
Pure: `shortfalls` and `statement` read a snapshot and the settings, the route renders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from catalogue.cutlist import SiteSettings
from catalogue.web.state import Snapshot

# the official Dutch names of the success criteria (WCAG 2.1, Nederlandse vertaling)
CRITERIA = {
    "1.2.2": "1.2.2 Ondertitels (vooraf opgenomen), niveau A",
    "1.2.3": "1.2.3 Audiodescriptie of media-alternatief (vooraf opgenomen), niveau A",
    "1.2.5": "1.2.5 Audiodescriptie (vooraf opgenomen), niveau AA",
}
# the enforcement body for Flemish public bodies (bestuursdecreet van 7 december 2018)
OMBUDS = {"name": "Vlaamse Ombudsdienst", "address": "Leuvenseweg 86, 1000 Brussel",
          "email": "klachten@vlaamseombudsdienst.be", "phone": "1700 (gratis)",
          "url": "https://www.vlaamseombudsdienst.be"}


@dataclass(frozen=True)
class Shortfall:
    """One clip or film that fails one success criterion."""

    criterion: str  # a key of CRITERIA
    title: str
    url: str
    reason: str


@dataclass(frozen=True)
class Statement:
    site: SiteSettings
    shortfalls: tuple[Shortfall, ...]
    clip_count: int
    today: datetime.date

    @property
    def compliant(self) -> bool:
        """Fully compliant: nothing listed, and a person has reviewed the site."""
        return not self.shortfalls and self.site.reviewed is not None

    def by_criterion(self) -> list[tuple[str, list[Shortfall]]]:
        return [(CRITERIA[key], [s for s in self.shortfalls if s.criterion == key])
                for key in CRITERIA if any(s.criterion == key for s in self.shortfalls)]


def shortfalls(snapshot: Snapshot) -> list[Shortfall]:
    """Every clip and film whose captions are missing or machine-made and unreviewed (1.2.2), or that has
    no audio description (1.2.5, and 1.2.3: the transcript alone does not say what is seen)."""
    found = []
    items = [(f"Film: {f.film.title}", f"/films/{f.id}", f.film, f.tracks, f.described) for f in snapshot.films.values()]
    items += [(c.clip.title, f"/clips/{c.id}", c.film, c.tracks, c.described)
              for c in sorted(snapshot.clips.values(), key=lambda v: (v.film.id, v.clip.start_ms))]
    for title, url, film, tracks, described in items:
        captions = next((t for t in tracks if t.lang == film.language), None)
        if captions is None:
            found.append(Shortfall("1.2.2", title, url, "geen ondertitels in de taal van de film"))
        elif captions.unreviewed:
            found.append(Shortfall("1.2.2", title, url, f"de ondertitels zijn automatisch gemaakt "
                                                        f"({captions.made_by}) en nog niet nagekeken"))
        if described is None:
            found.append(Shortfall("1.2.5", title, url, "geen audiodescriptie"))
            found.append(Shortfall("1.2.3", title, url, "geen audiodescriptie; het transcript zegt niet wat "
                                                        "er te zien is"))
    return found


def statement(snapshot: Snapshot, site: SiteSettings, today: datetime.date) -> Statement:
    return Statement(site, tuple(shortfalls(snapshot)), len(snapshot.clips), today)
