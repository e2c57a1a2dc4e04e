"""The consent gate's reading of a URL: which clip it is about, matched whole (issue 16, finding 8)."""

from __future__ import annotations

import pytest

from catalogue.web.gate import clip_of


@pytest.mark.parametrize(("path", "query", "clip"), [
    ("/clips/eerste", "", "eerste"),
    ("/clips/eerste/transcript", "", "eerste"),
    ("/clips/eerste/x\ny", "", "eerste"),  # whatever hangs under it, a line break too
    ("/embed/eerste", "start=1", "eerste"),
    ("/api/clips/eerste", "", "eerste"),
    ("/media/clips/eerste.mp4", "", "eerste"),
    ("/media/clips/eerste.0123456789abcdef.mp4", "", "eerste"),
    ("/transcripts/clips/eerste.nl.vtt", "", "eerste"),
    ("/oembed", "url=http%3A%2F%2Fx%2Fclips%2Feerste", "eerste"),
    ("/clips/eerste\n", "", None),  # no such page: not a clip's URL (the route answers 404)
    ("/clips/Eerste", "", None),
    ("/xclips/eerste", "", None),
    ("/themes/eerste", "", None),
])
def test_clip_of_reads_the_whole_url(path: str, query: str, clip: str | None) -> None:
    assert clip_of(path, query) == clip
