"""The demo's audio descriptions (DEMO CONTENT, written for this project): what is seen in the synthetic
demo film and not heard. Each title card is described, and three clips get a pause in their speech
(`pause_before`) with a description of the picture in it, so their described versions show the mix; every
description fits its pause. Also the demo's site settings (site.toml), written only where there are none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalogue.model import Cue

if TYPE_CHECKING:
    from catalogue.demo.generator import Timeline

PAUSE_MS = 3500  # the silence a described moment in a clip gets (a description of ~40 characters fits)
MARGIN_MS = 200
# (clip id, the line the pause comes before) -> what a describer says in it
IN_CLIPS = {
    ("hoe-vind-je-buddys", 2): "In beeld: een kleurig testpatroon dat beweegt.",
    ("je-eigen-grenzen-bewaken", 2): "Onderaan loopt de klok van de demo.",
    ("verschillende-werelden", 3): "Het testpatroon staat midden in beeld.",
}
SITE_TOML = """# DEMO CONTENT, made by `catalogue demo`: the site settings of the accessibility statement
# (/toegankelijkheid). Fill in your own organisation, contact and review (docs/hosting.md).

[organisation]
name = "Demo: Odisee, De Link en SAM"
email = "toegankelijkheid@example.org"

[statement]
drawn_up = 2026-11-20
reviewed = 2026-11-20
review = "self"
review_details = "Demo: een voorbeeld van wat hier staat, geen echte beoordeling."
"""


def pause_before(clip_id: str, line_index: int) -> int:
    """Extra silence (ms) before a clip's line, for a description."""
    return PAUSE_MS if (clip_id, line_index) in IN_CLIPS else 0


def demo_descriptions(timeline: Timeline) -> list[Cue]:
    """Every description of the demo film, in film time: a title card's, and those in the clips' pauses."""
    cues = [Cue(start + MARGIN_MS, end - MARGIN_MS, f"Titelkaart: {title.replace(' — ', ', ')}.")
            for title, start, end in timeline.cards]
    numbers: dict[str, int] = {}
    previous_end = 0
    for _, clip_id, timed in timeline.lines:
        index = numbers.get(clip_id, 0)
        numbers[clip_id] = index + 1
        text = IN_CLIPS.get((clip_id, index))
        if text:
            cues.append(Cue(previous_end + MARGIN_MS, timed.start_ms - MARGIN_MS, text))
        previous_end = timed.end_ms
    return sorted(cues, key=lambda c: c.start_ms)
