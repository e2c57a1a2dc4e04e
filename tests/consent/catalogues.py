"""A small catalogue on real media for the consent tests: a 24-s film already in the rendition's form
(so `cut` copies it), Dutch subtitles in which Ann speaks in two ranges, and clips that overlap them
(eerste, tweede), one that does not (derde), a session and a theme over them; audio descriptions, one of
them inside Ann's second range and about her, so their outputs (description VTTs, described versions)
must forget her too."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from catalogue.cutting import ENCODER
from catalogue.media import file_arg

FILM_SECONDS = 24
# Ann's two appearances (film time) and what she says there: words nobody else in the film uses
ANN_RANGES = (("00:00:05.300", "00:00:07.100"), ("00:00:13.500", "00:00:15.200"))
ANN_LINES = ("Mijn zeppelinverzameling staat in de kelder", "De okapi's in de dierentuin troosten mij")
ANN_WORDS = ("zeppelinverzameling", "okapi")


def make_film(path: Path, ffmpeg: str, seconds: int = FILM_SECONDS) -> Path:
    """A moving test picture with a tone, encoded the way a rendition is (IDR every 2 s, stitchable)."""
    encoder = [str(part) for key, value in ENCODER.items() for part in (f"-{key}", value)]
    encoder[encoder.index("-preset") + 1] = "superfast"
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=25:d={seconds}",
                    "-f", "lavfi", "-i", f"sine=f=440:b=2:r=48000:d={seconds}",
                    *encoder, file_arg(path)], check=True)
    return path


VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Sara>Welkom bij de buddywerking

00:00:03.500 --> 00:00:05.000
<v Sara>Vertel eens over jezelf

00:00:05.500 --> 00:00:07.000
<v Ann>{0}

00:00:08.000 --> 00:00:10.000
<v Sara>Grenzen trekken is belangrijk

00:00:11.000 --> 00:00:13.000
<v Sara>Hoe voel je je vandaag

00:00:13.800 --> 00:00:15.000
<v Ann>{1}

00:00:16.000 --> 00:00:18.000
<v Sara>Samen staan we sterker

00:00:19.000 --> 00:00:21.000
<v Sara>Duurzame verankering in de buurt
"""

# a description inside Ann's second range that names her and her word; one in the pause at the end
DESCRIPTIONS = """WEBVTT

00:00:13.500 --> 00:00:13.800
Ann toont een knuffel-okapi.

00:00:21.200 --> 00:00:23.800
Sara schrijft op een flip-over.
"""

CUTLIST = '''
[film]
id = "film"
title = "Testfilm"
video = "film.mp4"
language = "nl"

[film.subtitles]
nl = "../transcripts/film.nl.vtt"

[film.descriptions]
nl = "../transcripts/film.nl.descriptions.vtt"

[[person]]
id = "ann"
name = "Ann"
appearances = [["{r0a}", "{r0b}"], ["{r1a}", "{r1b}"]]
{ann_extra}
[[person]]
id = "sara"
name = "Sara"
appearances = [["00:00:01", "00:00:05"], ["00:00:08", "00:00:13"], ["00:00:16", "00:00:21"]]

[[theme]]
id = "buddys"
title = "Buddy's"

[[clip]]
id = "eerste"
title = "Eerste clip"
themes = ["buddys"]
start = "00:00:04.000"
end = "00:00:09.000"
speakers = ["Sara", "Ann"]

[[clip]]
id = "tweede"
title = "Tweede clip"
themes = ["buddys"]
start = "00:00:12.000"
end = "00:00:17.000"

[[clip]]
id = "derde"
title = "Derde clip"
themes = ["buddys"]
start = "00:00:18.000"
end = "00:00:22.000"
speakers = ["Sara"]

[[session]]
id = "les"
title = "Les"
step = [{{ clip = "eerste" }}, {{ questions = ["Wat zie je?"] }}, {{ clip = "derde" }}]
'''


def make_catalogue(root: Path, film: Path, ann_extra: str = "") -> Path:
    """The catalogue in `root` (the film hard-linked or copied from `film`); returns the cut list."""
    media = root / "media"
    media.mkdir(parents=True, exist_ok=True)
    target = media / "film.mp4"
    if not target.exists():
        try:
            target.hardlink_to(film)
        except OSError:
            target.write_bytes(film.read_bytes())
    vtt = root / "transcripts" / "film.nl.vtt"
    vtt.parent.mkdir(parents=True, exist_ok=True)
    vtt.write_text(VTT.format(*ANN_LINES), encoding="utf-8")
    (vtt.parent / "film.nl.descriptions.vtt").write_text(DESCRIPTIONS, encoding="utf-8")
    (r0a, r0b), (r1a, r1b) = ANN_RANGES
    cutlist = media / "film.toml"
    cutlist.write_text(textwrap.dedent(CUTLIST).lstrip().format(r0a=r0a, r0b=r0b, r1a=r1a, r1b=r1b,
                                                                ann_extra=ann_extra), encoding="utf-8")
    return cutlist
