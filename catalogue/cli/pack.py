"""`catalogue pack`: an offline lesson pack (zip) of a theme or a session."""

from __future__ import annotations

from pathlib import Path

import click

from catalogue.buildrecord import BuildRecords
from catalogue.cutlist import Catalogue, check_cutlists, consent_today
from catalogue.errors import CatalogueError
from catalogue.lessons import QUALITIES, default_output, plan_pack, resolve_target, target_from_query, write_pack
from catalogue.lessons import PdfError, find_chromium
from catalogue.media import probe_cached
from catalogue.settings import Settings


@click.command()
@click.argument("target", metavar="THEME|SESSION", required=False)
@click.option("--query", metavar="QUERY", help="A session made on the site: the part after `/sessions/new?`.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The zip to write. Default: media/packs/<theme|session>-<id>.zip.")
@click.option("--lang", metavar="LANG", help="Captions shown when a clip starts. Default: the film's language.")
@click.option("--no-pdf", is_flag=True, help="No guide.pdf (needs no Chromium); guide.html is always there.")
@click.option("--quality", type=click.Choice(QUALITIES), default="full", show_default=True,
              help="full: the clips as cut. 360p: the 360p version of each clip's adaptive ladder, about 4.5 MB "
                   "a minute, for a USB stick or a slow download (default name ends in -360p).")
@click.option("--force", is_flag=True, help="Write the zip even when its build record says it is current.")
@click.pass_obj
def pack(settings: Settings, target: str | None, query: str | None, out: Path | None, lang: str | None,
         no_pdf: bool, quality: str, force: bool) -> None:
    """Make an offline lesson pack (zip) of a theme or a session.

    THEME|SESSION is a session id (from a cut list's [[session]]), a theme id, theme:ID or
    session:ID when both have the id (a bare id takes the session), or a site URL
    (…/sessions/<id>, …/themes/<id>, …/sessions/new?…). The zip holds the clips, their
    captions in every language, the transcripts as text, a discussion guide (HTML and a
    PDF printed by headless Chromium) and an index.html that presents the session offline,
    from the unzipped folder. Needs the clips built (`catalogue cut`). The same inputs give
    a byte-identical zip; an unchanged pack is not rewritten.
    """
    if (target is None) == (query is None):
        raise click.UsageError("give a THEME|SESSION or --query, not both or neither")
    catalogue = _load(settings)
    chosen = target_from_query(catalogue, query) if query is not None else resolve_target(catalogue, target or "")
    engine = ""
    if not no_pdf:
        engine = find_chromium() or ""
        if not engine:
            raise PdfError("no Chromium found to print guide.pdf: install it (e.g. `apt-get install chromium`) "
                           "or pass --no-pdf for a pack with guide.html only")
    _check_lang(catalogue, lang)
    plan = plan_pack(settings, catalogue, chosen, lang=lang, pdf_engine=engine, quality=quality)
    dest = (out or default_output(settings, chosen, quality)).resolve()
    records = BuildRecords(settings.root, settings.build_dir) if dest.is_relative_to(settings.root) else None
    written = write_pack(plan, dest, records, force=force)
    shown = dest.relative_to(settings.root) if dest.is_relative_to(settings.root) else dest
    steps = len(plan.session.steps)
    if written:
        size = dest.stat().st_size / 1e6
        click.echo(f"Wrote {shown}: {steps} steps, {len(plan.session.clip_steps)} clips, {size:.1f} MB"
                   + ("" if engine else " (no guide.pdf)"))
    else:
        click.echo(f"{shown} is current: nothing changed since it was made (--force writes it again).")


def _load(settings: Settings) -> Catalogue:
    paths = settings.cutlist_paths()
    if not paths:
        raise CatalogueError(f"no cut lists in {settings.media_dir}: write one (see the README, 'For editors')")
    catalogue = check_cutlists(paths, lambda path: probe_cached(path, settings.probe_dir)).catalogue()
    return consent_today(settings, catalogue).published(catalogue, "pack")  # no clip without consent for packs


def _check_lang(catalogue: Catalogue, lang: str | None) -> None:
    langs = sorted({lang for cutlist in catalogue.cutlists for lang in cutlist.film.subtitles})
    if lang is not None and lang not in langs:
        raise CatalogueError(f"--lang {lang!r}: the films have subtitles in {', '.join(langs) or 'no language'}")
