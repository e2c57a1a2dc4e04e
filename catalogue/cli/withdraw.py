"""`catalogue withdraw PERSON`: a person's consent withdrawn, everywhere at once; `--verify` proves it."""

from __future__ import annotations

import signal
import sys
from typing import NoReturn

import click

from catalogue.cli.progress import LineListener
from catalogue.consent import Outcome, VerifyReport, load, log_path, verify_person, withdraw as withdraw_person
from catalogue.errors import CatalogueError
from catalogue.settings import Settings

NOT_TOUCHED = ("Not touched: the editor's own inputs (the source film, the transcripts and the cut list, which only "
               "gained its `withdrawn` line):")
OUTSIDE = ("Copies outside the catalogue (downloads, lesson packs handed out, embeds cached by other sites, a CDN) "
           "cannot be reached from here: docs/consent.md has the letter for art. 17(2) notices to known embedders.")


@click.command()
@click.argument("person")
@click.option("--reason", default="", metavar="TEXT",
              help="Why (kept in the consent log, with the person's id and name taken out).")
@click.option("--clips", type=click.Choice(["withdraw", "redact"]), default=None,
              help="What happens to the clips that show the person: withdraw (default: 410 Gone everywhere) or "
                   "redact (cut again with their moments as a slate and silence).")
@click.option("--verify", "verify_only", is_flag=True,
              help="Change nothing: look through every generated file for what is left of the person, and say where.")
@click.pass_obj
def withdraw(settings: Settings, person: str, reason: str, clips: str | None, verify_only: bool) -> None:
    """Withdraw PERSON's consent: take them out of everything the catalogue publishes, at once.

    Writes withdrawn = <today> on their [[person]] in the cut list (a backup is kept), then:
    every clip that overlaps their appearances is withdrawn (every URL answers 410 Gone,
    its id is never published again by accident) or, with --clips redact, cut again
    with those moments redacted; the film's rendition is redacted in place (a slate and
    silence, the timeline kept); subtitles, chapters, the search index, lesson packs and
    caches forget them; an entry without their words goes into .catalogue/consent.log.
    Ends with --verify's proof. Exits 1 if anything failed: run it again to finish.
    """
    if verify_only:
        import datetime

        report = load(settings, datetime.date.today())
        proof = verify_person(settings, report, person)
        _print_proof(settings, proof)
        if not proof.clean:
            sys.exit(1)
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        outcome = withdraw_person(settings, person, reason=reason, clips=clips,
                                  say=lambda line: click.echo(line, err=True), listener=LineListener(sys.stderr))
    finally:
        signal.signal(signal.SIGTERM, previous)
    _print_outcome(settings, outcome)
    assert outcome.verify is not None
    _print_proof(settings, outcome.verify)
    if not outcome.verify.clean:
        raise CatalogueError(f"{person!r} is withdrawn, but traces remain (listed above): remove them, then check "
                             f"with `catalogue withdraw --verify {person}`")


def _raise_interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def _print_outcome(settings: Settings, outcome: Outcome) -> None:
    what = "withdrawn" if outcome.clips_mode == "withdraw" else "redacted"
    click.echo(f"Withdrawn: {outcome.person_id!r} (since {outcome.date}).")
    click.echo(f"  clips withdrawn (410 Gone): {', '.join(outcome.withdrawn_clips) or 'none'}")
    if outcome.redacted_clips:
        click.echo(f"  clips cut again redacted: {', '.join(outcome.redacted_clips)}")
    click.echo(f"  {outcome.ranges} appearance(s) {what} in the film (a slate and silence), {outcome.cues} cue(s) "
               f"left out of the subtitles; {len(outcome.removed)} file(s) removed, {len(outcome.rebuilt)} made again")
    click.echo(f"  search index {'rebuilt' if outcome.index_rebuilt else 'not built yet (nothing to change)'}")
    click.echo(f"  consent log: {log_path(settings.state_dir).relative_to(settings.root)}"
               + ("" if outcome.logged else " (already there)"))


def _print_proof(settings: Settings, proof: VerifyReport) -> None:
    if proof.clean:
        click.echo(f"Verified: no trace of {proof.person_id!r} in {proof.files} generated file(s) "
                   f"({proof.media} media file(s) checked inside the ranges: silence and the slate).")
    else:
        click.echo(f"Traces of {proof.person_id!r} ({len(proof.traces)}):", err=True)
        for trace in proof.traces:
            click.echo(f"  {trace}", err=True)
    click.echo(NOT_TOUCHED)
    for path in proof.untouched:
        click.echo(f"  {path.relative_to(settings.root) if path.is_relative_to(settings.root) else path}")
    click.echo(OUTSIDE)
