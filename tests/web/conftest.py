"""Fixtures of the web tests shared across modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from sites import build_site

# a film with audio descriptions for one clip (one of them too long for its pause: an extended version),
# machine-made captions nobody reviewed yet, and a site settings file
DESCRIBED_CUTLIST = '''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = { file = "../transcripts/film.nl.vtt", made_by = "whisper base", reviewed = false }

    [film.descriptions]
    nl = "../transcripts/film.nl.descriptions.vtt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[clip]]
    id = "beschreven"
    title = "Een beschreven clip"
    themes = ["rekrutering"]
    start = "00:00:00.000"
    end = "00:00:11.000"

    [[clip]]
    id = "onbeschreven"
    title = "Een clip zonder beschrijving"
    themes = ["rekrutering"]
    start = "00:00:11.000"
    end = "00:00:12.000"
'''
DESCRIBED_CAPTIONS = [("00:00:00.500", "00:00:02.500", "<v Ann>Welkom bij de buddywerking."),
                      ("00:00:06.000", "00:00:08.000", "We zoeken nieuwe buddy's."),
                      ("00:00:09.200", "00:00:10.600", "Tot volgende keer.")]
DESCRIPTIONS = [("00:00:02.600", "00:00:05.800", "Ann knikt en glimlacht."),
                ("00:00:08.100", "00:00:09.000", "Op het flipbord staat: samen sterker, buddy's vinden en houden.")]
SITE_TOML = '''
[organisation]
name = "Odisee, De Link en SAM"
email = "toegankelijkheid@example.org"

[statement]
drawn_up = 2026-01-15
reviewed = 2026-11-20
review = "self"
review_details = "Getest met axe-core en met een schermlezer."
'''


@pytest.fixture(scope="session")
def described_root(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Path:
    """A catalogue with audio descriptions, cut and indexed (in-process)."""
    root = tmp_path_factory.mktemp("described-site")
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    build_site(root, gray_film, DESCRIBED_CUTLIST,
               {"film.nl.vtt": DESCRIBED_CAPTIONS, "film.nl.descriptions.vtt": DESCRIPTIONS})
    return root
