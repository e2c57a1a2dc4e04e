"""`[[person]]`: checked field by field (issue 19), its format-preserving edits, and the pure consent
decisions every stage reads."""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.cutlist import (Tombstone, Tombstones, check_cutlists, person_hash, plan_appearance, plan_consent,
                               plan_withdrawn, PersonEditError)
from catalogue.media import probe_cached
from catalogue.studio.dutch import dutch, where

TODAY = datetime.date(2026, 12, 6)

PERSONS = '''
            [[clip]]
            id = "eerste"
            title = "Eerste clip"
            themes = ["rekrutering"]
            start = "00:00:00.800"
            end = "00:00:03.200"
            speakers = ["Sara", "Jan"]

            [[clip]]
            id = "tweede"
            title = "Tweede clip"
            themes = ["omgaan-met-grenzen"]
            start = "00:00:03.800"
            end = "00:00:06.400"

            [[person]]
            id = "ann"
            name = "Ann"
            appearances = [["00:00:04", "00:00:05.500"]]
            consent_until = "2026-12-20"
            uses = ["site", "pack"]
'''

BAD_PERSONS = PERSONS + '''
            [[person]]
            id = "Bob"
            name = "Bob"
            appearances = [["00:00:02", "00:00:01"], "x", ["00:00:01", "99:00:00"], ["nu", "straks"]]
            consent_until = "morgen"
            uses = ["sit", "embed", "tv"]
            clips = "weg"
            alias = "Bobby"

            [[person]]
            id = "cas"
            name = "Cas"
            appearances = []
            uses = ["embed"]
            clips = "redact"
            consent_until = "2026-11-30"

            [[person]]
            id = "ann"
            name = "Ann bis"
            withdrawn = 2026-12-01
            consent_renewed = "2026-12-03"

            [[person]]
            id = "dirk"
            name = "Dirk"
            appearances = "00:00:01"
            uses = "site"
'''


def check(cutlist: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    return check_cutlists([cutlist], lambda p: probe_cached(p, tmp_path / "probe", save=False), TODAY)


def test_a_person_is_read_with_their_ranges_and_consent(small_catalogue: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    report = check(small_catalogue(PERSONS), tmp_path)
    assert not report.errors
    (person,) = report.cutlists[0].persons
    assert (person.id, person.name, person.appearances) == ("ann", "Ann", ((4000, 5500),))
    assert person.consent_until == datetime.date(2026, 12, 20) and person.uses == {"site", "pack"}
    # 14 days to go: a warning; Jan is named and has no entry: a hint (Sara's voice tag too)
    assert [w.message for w in report.warnings if w.where == "person 'ann'"] == [
        "consent ends on 2026-12-20 (in 14 days): renew it, or the site treats 'ann' as withdrawn from the day after"]
    assert [h.message for h in report.hints] == [
        "names Jan, Sara with no [[person]] entry: add one (id, name, appearances) so consent can be withdrawn"]


def test_every_mistake_in_a_person_is_named_at_its_field_in_english_and_dutch(small_catalogue: Callable[..., Path],
                                                                              tmp_path: Path) -> None:
    report = check(small_catalogue(BAD_PERSONS), tmp_path)
    found: dict[tuple[str, str], str] = {}
    for p in report.errors + report.warnings:
        found[(p.where, p.field)] = found.get((p.where, p.field), "") + p.message + "\n"
    expected = {
        ("person 'Bob'", "id"): "is not a slug",
        ("person 'Bob'", "appearances[1]"): "is not after",
        ("person 'Bob'", "appearances[2]"): "must be a pair",
        ("person 'Bob'", "appearances[3]"): "past the end of the film",
        ("person 'Bob'", "appearances[4]"): "invalid timecode",
        ("person 'Bob'", "consent_until"): "must be a date",
        ("person 'Bob'", "uses"): "unknown use 'sit' (did you mean 'site'?)",
        ("person 'Bob'", "clips"): "must be one of",
        ("person 'Bob'", "alias"): "unknown key",
        ("person 'cas'", "appearances"): "no appearances",
        ("person 'cas'", "clips"): "only a withdrawn person",
        ("person 'cas'", "consent_until"): "consent ended on 2026-11-30",
        ("person 'ann'", "id"): "duplicate person id",
        ("person 'ann'", "withdrawn"): "consent was renewed on 2026-12-03 after it was withdrawn",
        ("person 'dirk'", "appearances"): "must be a list of [start, end] pairs",
        ("person 'dirk'", "uses"): "must be a list of uses",
    }
    for place, part in expected.items():
        assert part in found.get(place, ""), (place, part, found.get(place))
    assert any("unknown use 'tv'; the uses are site, embed, download, pack" == p.message for p in report.errors)
    assert any("must include 'site'" in p.message for p in report.errors if p.where == "person 'cas'")
    for problem in report.errors + report.warnings + report.hints:
        if problem.where.startswith("person") or "[[person]]" in problem.message:
            assert dutch(problem.message) != problem.message, problem.message
            assert dutch(str(problem)).startswith(f"{problem.file}: {where(problem.where)}")


CUTLIST = '''\
# the film of the demo
[film]
id = "film"   # never changes
title = "Film"
video = "film.mp4"
language = "nl"

[[person]]
id = "ann"
name = "Ann"
appearances = [
    ["00:00:32.500", "00:00:52"],  # in the garden
]
# withdrawn = "2026-12-06"                   # written by `catalogue withdraw`

[[clip]]
id = "a"
'''


def test_withdrawn_is_written_in_place_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    after = plan_withdrawn(path, CUTLIST.encode(), "ann", TODAY)
    assert tomllib.loads(after.decode())["person"][0]["withdrawn"] == "2026-12-06"
    assert after.decode().replace('withdrawn = "2026-12-06"\n', "", 1) == CUTLIST  # only that line added
    assert plan_withdrawn(path, after, "ann", TODAY + datetime.timedelta(days=3)) == after  # the first date stays
    redacted = plan_withdrawn(path, CUTLIST.encode(), "ann", TODAY, "redact")
    assert tomllib.loads(redacted.decode())["person"][0]["clips"] == "redact"
    stricter = plan_withdrawn(path, redacted, "ann", TODAY, "withdraw")
    assert tomllib.loads(stricter.decode())["person"][0]["clips"] == "withdraw"
    with pytest.raises(PersonEditError, match="cannot be redacted back"):
        plan_withdrawn(path, after, "ann", TODAY, "redact")
    with pytest.raises(PersonEditError, match="no \\[\\[person\\]\\] with id 'bob'"):
        plan_withdrawn(path, CUTLIST.encode(), "bob", TODAY)


def test_an_appearance_is_added_to_a_person_or_a_new_person(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    more = plan_appearance(path, CUTLIST.encode(), "ann", "", 60_000, 61_500)
    assert tomllib.loads(more.decode())["person"][0]["appearances"] == [["00:00:32.500", "00:00:52"],
                                                                       ["00:01:00.000", "00:01:01.500"]]
    assert "# in the garden" in more.decode() and "# the film of the demo" in more.decode()
    new = plan_appearance(path, CUTLIST.encode(), "bob", "Bob", 1000, 2000)
    people = tomllib.loads(new.decode())["person"]
    assert people[1] == {"id": "bob", "name": "Bob", "appearances": [["00:00:01.000", "00:00:02.000"]]}
    assert new.decode().startswith(CUTLIST.split("[[clip]]")[0].rstrip("\n").split("# withdrawn")[0])
    with pytest.raises(PersonEditError, match="give their name"):
        plan_appearance(path, CUTLIST.encode(), "cas", " ", 1000, 2000)


def test_consent_decides_per_use_and_day_and_keeps_tombstones(small_catalogue: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    catalogue = check(small_catalogue(PERSONS), tmp_path).catalogue()
    consent = plan_consent(catalogue, Tombstones(), TODAY)
    assert consent.gone == {} and consent.refused == {"tweede": {"embed", "download"}}
    assert not consent.allows("tweede", "embed") and consent.allows("tweede", "pack")
    assert "tweede" not in {c.id for c in consent.published(catalogue, "embed").clips}
    later = plan_consent(catalogue, Tombstones(), datetime.date(2026, 12, 21))  # the day after consent_until
    assert later.gone == {"tweede": "expired"} and later.redactions == {"testfilm": ((4000, 5500),)}
    assert [c.id for c in later.published(catalogue).clips] == ["eerste"]
    assert later.published(catalogue).withdrawn == {"tweede"}
    # a clip id once withdrawn is not published again, unless the person consented again after it
    salt = b"salt"
    stones = Tombstones({"eerste": Tombstone("eerste", "testfilm", TODAY, person_hash(salt, "ann"))}, salt)
    assert plan_consent(catalogue, stones, TODAY).gone["eerste"] == "tombstone"
    renewed = small_catalogue(PERSONS.replace('uses = ["site", "pack"]', 'consent_renewed = "2026-12-07"'))
    catalogue = check(renewed, tmp_path).catalogue()
    assert "eerste" not in plan_consent(catalogue, stones, TODAY).gone
