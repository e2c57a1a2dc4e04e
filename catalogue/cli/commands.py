"""The `catalogue` command: a thin layer that turns library calls into output and exit codes."""

from __future__ import annotations

import html
import json
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click

from catalogue import __version__
from catalogue.cutlist import Report, check_cutlists, check_site, consent_today, read_tombstones, sync_gone
from catalogue.cutting import (MODES, Job, build, pending_steps, plan_cut, planned_outputs, remove_outputs,
                               stale_described, without_ladder)
from catalogue.buildrecord import BuildRecords
from catalogue.errors import CatalogueError, CutError, Problem
from catalogue.media import probe_cached
from catalogue.cli.progress import BarListener, LineListener, TranscribeBar, TranscribeLines
from catalogue.settings import PACK_CACHE_MB, Settings, parse_base_url, parse_media_url


class CatalogueGroup(click.Group):
    """Turns every CatalogueError into `Error: …` and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CatalogueError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: finished outputs are kept, nothing half-written remains.", err=True)
            ctx.exit(130)


@click.group(cls=CatalogueGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), envvar="CATALOGUE_ROOT",
              help="Catalogue folder (cut lists in media/). Default: $CATALOGUE_ROOT, else the current folder.")
@click.version_option(__version__, prog_name="catalogue")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Media catalogue for the film *Van buddy tot community*: transcribe, cut clips, search, serve."""
    ctx.obj = Settings.from_env(root)


def _paths(settings: Settings, cutlists: tuple[Path, ...]) -> list[Path]:
    paths = [p.resolve() for p in cutlists] or settings.cutlist_paths()
    if not paths:
        raise CatalogueError(f"no cut lists in {settings.media_dir}: write one (see the README, 'For editors') "
                             "or name one on the command line")
    return paths


def _check(settings: Settings, cutlists: tuple[Path, ...], *, save_probes: bool = True) -> Report:
    return check_cutlists(_paths(settings, cutlists),
                          lambda path: probe_cached(path, settings.probe_dir, save=save_probes))


def _print_problems(title: str, problems: list[Problem], *, limit: int | None = None) -> None:
    if not problems:
        return
    click.echo(f"{title} ({len(problems)}):", err=True)
    for problem in problems[:limit]:
        click.echo(f"  {problem}", err=True)
    if limit is not None and len(problems) > limit:
        click.echo(f"  … and {len(problems) - limit} more (run `catalogue check` to see all)", err=True)


cutlist_args = click.argument("cutlists", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))


@cli.command()
@cutlist_args
@click.pass_obj
def check(settings: Settings, cutlists: tuple[Path, ...]) -> None:
    """Validate cut lists, media, subtitles, descriptions and site.toml; write nothing.

    Prints every error and warning, each with its file, clip or theme and field.
    Exits 1 when there are errors; warnings (subtitle readability, clips that cut
    through a subtitle, descriptions that run into speech, an accessibility statement
    reviewed more than a year ago) do not fail the check.
    """
    report = _check(settings, cutlists, save_probes=False)
    site = check_site(settings.site_file)
    warnings, errors = report.warnings + site.warnings, report.errors + site.errors
    consent_lines = [] if report.errors else _consent_lines(settings, report)
    _print_problems("Hints", report.hints)
    _print_problems("Warnings", warnings)
    _print_problems("Errors", errors)
    for line in consent_lines:
        click.echo(line, err=True)
    clips = sum(len(c.clips) for c in report.cutlists)
    sessions = sum(len(c.sessions) for c in report.cutlists)
    if errors:
        count = len(errors)
        click.echo(f"Error: {count} error{'s' if count != 1 else ''} in the cut lists or site.toml; fix them "
                   "and run `catalogue check` again.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(report.cutlists)} cut list(s), {clips} clips, {sessions} session(s), "
               f"{len(warnings)} warning(s).")


def _consent_lines(settings: Settings, report: Report) -> list[str]:
    """What consent leaves out today (withdrawn, ended, a tombstone), in a few lines for `check`."""
    consent = consent_today(settings, report.catalogue())
    lines = []
    for reason, said in (("withdrawn", "consent withdrawn"), ("expired", "consent ended"),
                         ("tombstone", "its id was withdrawn before: never published again by accident; give the "
                                       "clip a new id, or see docs/consent.md for renewed consent")):
        ids = sorted(clip for clip, why in consent.gone.items() if why == reason)
        if ids:
            lines.append(f"Not published ({said}): {', '.join(ids)}")
    ranges = sum(len(r) for r in consent.redactions.values())
    if ranges:
        lines.append(f"Redacted in the films' renditions: {ranges} range(s)"
                     + (f"; clips cut again redacted: {', '.join(sorted(consent.redacted_clips))}"
                        if consent.redacted_clips else ""))
    return lines


@cli.command()
@cutlist_args
@click.option("--only", multiple=True, metavar="CLIP_ID", help="Build only this clip (repeatable).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64), help="Clips built at once.")
@click.option("--mode", type=click.Choice(MODES), default="exact", show_default=True,
              help="exact: frame-accurate; re-encodes only the partial 2-s GOPs at a clip's ends and copies the "
                   "rest from the film's rendition (else the whole clip). exact-full: frame-accurate, re-encodes "
                   "the whole clip. copy: no re-encoding, starts at the keyframe before start.")
@click.option("--ladder/--no-ladder", default=True, show_default=True,
              help="Make the adaptive ladder (HLS in several qualities, for slow connections). Without it, "
                   "the site plays the MP4s until a later `cut` makes it.")
@click.option("--force", is_flag=True, help="Rebuild every output, even those that are current.")
@click.option("--dry-run", is_flag=True, help="Print what would be built, build nothing.")
@click.pass_obj
def cut(settings: Settings, cutlists: tuple[Path, ...], only: tuple[str, ...], jobs: int, mode: str,
        ladder: bool, force: bool, dry_run: bool) -> None:
    """Build clips (MP4, poster, VTT per language), chapters and the web film.

    The film's web rendition (a keyframe every 2 s) is made first; exact clips are cut
    from it. With --only it is not built: a clip is then cut from it only when it is
    current, else re-encoded whole.

    Incremental: an output is rebuilt only when its inputs or settings changed.
    A failed clip does not stop the others; the summary lists it and the exit code is 1.
    """
    report = _check(settings, cutlists)
    _print_problems("Warnings", report.warnings, limit=5)
    catalogue = report.catalogue()
    unknown = sorted(set(only) - {clip.id for clip in catalogue.clips})
    if unknown:
        raise CatalogueError(f"--only: no clip with id {', '.join(map(repr, unknown))}")
    consent = consent_today(settings, catalogue)  # withdrawn or ended consent: those clips go, the films redact
    left_out = sorted(set(only) & set(consent.gone))
    if left_out:
        raise CatalogueError(f"--only: {', '.join(map(repr, left_out))} withdrawn (consent withdrawn or ended): "
                             "not published, so not built")
    plan, unplannable = plan_cut(settings, consent.published(catalogue), report, mode=mode, only=only)
    if not ladder:
        plan = without_ladder(settings, plan)
    if dry_run:
        _print_plan(settings, plan, force)
        return
    sync_gone(settings.state_dir, set(consent.gone) | (set(read_tombstones(settings.state_dir).entries)
                                                         - {c.id for c in catalogue.clips}))
    gone = planned_outputs(settings, catalogue, report, sorted(consent.gone))
    removed = remove_outputs(settings, gone)
    if removed:
        click.echo(f"Removed {len(removed)} output(s) of clips no longer published (consent withdrawn or ended).",
                   err=True)
    stale = remove_outputs(settings, stale_described(settings, plan))
    if stale:
        click.echo(f"Removed {len(stale)} described-version file(s) with no descriptions left to speak.", err=True)
    removed += stale
    listener = BarListener(sys.stderr) if sys.stderr.isatty() else LineListener(sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        summary = build(settings, plan, force=force, workers=jobs, listener=listener)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if isinstance(listener, BarListener):
            listener.finish()
    redacted_again = consent.redactions and any(p.parent == settings.films_dir for p in summary.built)
    if removed or redacted_again:  # what consent took out also leaves the caches and the lesson packs
        from catalogue.consent import tidy

        for line in tidy(settings, catalogue, consent):
            click.echo(line, err=True)
    failed = {**unplannable, **summary.failed}
    click.echo(f"{len(summary.built)} output(s) built, {len(summary.current)} already current, "
               f"{len(failed)} failed.")
    if failed:
        lines = "\n".join(f"  {name}: {message}" for name, message in failed.items())
        raise CutError(f"{len(failed)} job(s) failed, the rest was built:\n{lines}")


def _raise_interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def _print_plan(settings: Settings, plan: list[Job], force: bool) -> None:
    records = BuildRecords(settings.root, settings.build_dir)
    for job in plan:
        pending = pending_steps(job, records, force)
        for step in job.steps:
            state = "build" if step in pending else "current"
            click.echo(f"{state:8} {step.output.relative_to(settings.root)}")
        if job.note:
            click.echo(f"         ({job.name}: {job.note})")


@cli.command()
@cutlist_args
@click.pass_obj
def index(settings: Settings, cutlists: tuple[Path, ...]) -> None:
    """Build the search index from the cut lists and clip transcripts.

    The new index is built beside the current one and switched in atomically: a
    server running meanwhile keeps answering from the old one, then uses the new one.
    Stretches of speech are embedded for search by meaning (a few minutes for
    100,000 cues on 2 cores); vectors are cached by text, so a rebuild after an edit
    embeds only what changed.
    """
    from catalogue.search import build_index, prune_index

    report = _check(settings, cutlists)
    catalogue = report.catalogue()
    consent = consent_today(settings, catalogue)
    stats = build_index(settings, consent.published(catalogue), report,
                        progress=lambda line: click.echo(line.capitalize() + " ..."))
    if consent.gone or consent.redactions:  # what a withdrawn person said must not wait in an older version
        prune_index(settings)
    click.echo(f"Indexed {stats.clips} clips and {stats.cues} cues in {stats.seconds:.1f} s "
               f"({stats.bytes / 1e6:.1f} MB; {stats.embedded} stretches of speech embedded, the rest cached).")


@cli.command("search")
@click.argument("query")
@click.option("--theme", metavar="THEME_ID", help="Only clips of this theme.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Clips to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the structure of the web API).")
@click.pass_obj
def search_command(settings: Settings, query: str, theme: str | None, limit: int, as_json: bool) -> None:
    """Search what is said in the clips (Dutch), their titles and themes.

    Type a question or a few words: the words that matter must match (stop words
    from stopwords.txt in the root need not), clips with all of them first, then
    those with most; each clip says which words it lacks. Words in any form (grens
    finds grenzen), "phrases in quotes" (literal), synonyms from synonyms.txt; the
    meaning counts too, and a clip found by meaning alone is marked as related. A
    word that is neither in the clips nor Dutch is taken for a typo, and a spelling
    is suggested. Each clip is shown with up to 3 moments (time in the clip).
    """
    from catalogue.search import SearchIndex, search

    results = search(SearchIndex(settings), query, theme=theme, limit=limit)
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    _print_results(results)


def _print_results(results: Any) -> None:
    from catalogue.timecode import format_clock

    if results.suggestion:
        click.echo(f"Bedoelde je: {results.suggestion}?")
    plural = "clip" if results.total == 1 else "clips"
    typo = " (typo-tolerant)" if results.fuzzy and results.clips else ""
    click.echo(f"{results.total} {plural}{typo} for {results.query!r}"
               + (f" in theme {results.theme!r}" if results.theme else ""))
    for clip in results.clips:
        click.echo(f"\n{clip.id}  {clip.title}  [{', '.join(clip.themes)}]")
        if clip.related:
            click.echo("  (verwant aan je vraag)")
        elif clip.missing:
            click.echo(f"  Niet gevonden: {', '.join(clip.missing)}")
        for moment in clip.moments:
            marked = html.unescape(moment.html.replace("<mark>", "[").replace("</mark>", "]"))
            click.echo(f"  {format_clock(moment.start_ms):>7}  {marked}")


@cli.command()
@cutlist_args
@click.option("--film", "film_ids", multiple=True, metavar="FILM_ID", help="Only this film (repeatable).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CATALOGUE_WHISPER_MODEL",
              help="A CTranslate2 Whisper model folder (e.g. a converted large-v3). Default: $CATALOGUE_WHISPER_MODEL, "
                   "else Whisper base from the installed wheels.")
@click.option("--force", is_flag=True,
              help="Transcribe films that have subtitles too; an existing transcript is kept as a backup.")
@click.pass_obj
def transcribe(settings: Settings, cutlists: tuple[Path, ...], film_ids: tuple[str, ...], model_dir: Path | None,
               force: bool) -> None:
    """Transcribe the Dutch speech of films that have no subtitles, on this computer.

    Writes transcripts/<film>.<lang>.vtt (readable cues) and the word timings beside it,
    and adds the file to the cut list as machine-made and not reviewed: a draft that an
    editor checks, then marks with `reviewed = true`. Nothing is sent anywhere. An
    interrupted run resumes where it stopped; an existing transcript is never replaced
    without --force.
    """
    from catalogue.transcribe import plan_targets, transcribe_film
    from catalogue.transcribe import load_model, model_folder

    report = _check(settings, cutlists)
    targets, skipped = plan_targets(settings, report, film_ids, force=force)
    for line in skipped:
        click.echo(line, err=True)
    if not targets:
        click.echo("Nothing to transcribe.")
        return
    model = model_folder(model_dir)
    loaded: list[Any] = []

    def load() -> Any:  # once, and only when a film has audio to recognise
        if not loaded:
            click.echo(f"Model: {model.name} ({model.path})", err=True)
            loaded.append(load_model(model))
        return loaded[0]

    listener = TranscribeBar(sys.stderr) if sys.stderr.isatty() else TranscribeLines(sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    failed: dict[str, str] = {}
    try:
        for target in targets:
            try:
                outcome = transcribe_film(settings, target, model, load, listener, force=force)
            except CatalogueError as exc:
                listener.finish()
                click.echo(f"{target.name}: FAILED: {exc}", err=True)
                failed[target.name] = str(exc)
                continue
            listener.finish()
            _print_transcribed(settings, outcome)
    finally:
        signal.signal(signal.SIGTERM, previous)
        listener.finish()
    if failed:
        lines = "\n".join(f"  {name}: {message}" for name, message in failed.items())
        raise CatalogueError(f"{len(failed)} film(s) not transcribed:\n{lines}")


def _print_transcribed(settings: Settings, outcome: Any) -> None:
    target = outcome.target
    rel = target.vtt.relative_to(settings.root) if target.vtt.is_relative_to(settings.root) else target.vtt
    speed = f", {outcome.seconds / max(1, outcome.audio_ms / 1000):.2f}× real time" if outcome.audio_ms else ""
    click.echo(f"{target.name}: wrote {rel}: {outcome.cues} cues, {outcome.words} words "
               f"({len(outcome.dropped)} stretches dropped as non-speech or loops){speed}")
    if outcome.backup:
        click.echo(f"  the previous file is kept as {outcome.backup.name}")
    click.echo(f"  added to {target.cutlist.name} as machine-made, not reviewed"
               + (f" (backup: {outcome.cutlist_backup.name})" if outcome.cutlist_backup else ""))
    click.echo("  This is a draft: Whisper base gets about 1 word in 8 to 1 in 3 wrong. Review it, then set "
               f"reviewed = true in [film.subtitles] {target.lang}.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", "-w", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes; about one per CPU core for a class at once.")
@click.option("--base-url", metavar="URL", envvar="CATALOGUE_BASE_URL", show_envvar=True,
              help="The site's public address, e.g. https://catalogus.example.be: every absolute URL it gives "
                   "out (oEmbed, embed codes, the API) starts with it. Unset: they follow the request's Host, "
                   "and only a local Host is answered (an IP address of this network, or a name without a dot).")
@click.option("--pack-cache-mb", type=click.FloatRange(min=0), envvar="CATALOGUE_PACK_CACHE_MB", show_envvar=True,
              help=f"Disk space the lesson packs of sessions defined in a URL may keep, in MiB (default "
                   f"{PACK_CACHE_MB:.0f}); the least recently used go first. Ready-made packs are not counted.")
@click.option("--media-url", metavar="URL", envvar="CATALOGUE_MEDIA_URL", show_envvar=True,
              help="Where the media are served (the folder of `catalogue publish`, on a CDN, object store or "
                   "static host). Unset: this server serves them.")
@click.option("--no-media-check", is_flag=True, help="Start without checking the media origin first.")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, base_url: str | None,
          pack_cache_mb: float | None, media_url: str | None, no_media_check: bool) -> None:
    """Run the web catalogue (uvicorn) until interrupted.

    Pages, search, embeds and the API read the root's cut lists, outputs and index;
    a new index (`catalogue index`) is picked up without a restart. For many
    viewers, run one worker per core and put nginx in front (deploy/README.md),
    with --base-url set to the address people use (docs/hosting.md).
    With a media URL, every video, poster, caption and HLS file is fetched from there,
    and the origin is checked first (its files and CORS headers): a problem stops the
    server with what to fix. Ctrl+C or SIGTERM stop it; running requests get 5 seconds.
    """
    import os

    import uvicorn

    from catalogue.web import check_media_origin

    if base_url is not None:
        settings = replace(settings, base_url=parse_base_url(base_url, "--base-url"))
    if pack_cache_mb is not None:
        settings = replace(settings, pack_cache_mb=pack_cache_mb)
    if media_url is not None:
        settings = replace(settings, media_url=parse_media_url(media_url, "--media-url"))
    _check_can_listen(host, port)
    if settings.media_url and not no_media_check:
        problems = check_media_origin(settings, f"http://{'[' + host + ']' if ':' in host else host}:{port}")
        if problems:
            raise CatalogueError(f"the media origin {settings.media_url} is not ready for this site:\n  "
                                 + "\n  ".join(problems) + "\n(--no-media-check starts anyway)")
    # the workers make their settings from the environment, as Settings.from_env reads it
    os.environ["CATALOGUE_BASE_URL"] = settings.base_url
    os.environ["CATALOGUE_PACK_CACHE_MB"] = repr(settings.pack_cache_mb)
    os.environ["CATALOGUE_MEDIA_URL"] = settings.media_url
    click.echo(f"Serving {settings.root} on http://{host}:{port}"
               + (f" with {workers} workers" if workers > 1 else "") + " (Ctrl+C stops)")
    # lifespan off: the app has no startup or shutdown work, and a second Ctrl+C (uvicorn's
    # forced exit) left the lifespan task to be cancelled with a logged traceback.
    # A stop waits for running requests, but not for a whole film downloading to a slow reader.
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "server_header": False,
                               "lifespan": "off", "timeout_graceful_shutdown": STOP_GRACE_S}
    # one way for one worker or several: each makes its app from the root in the environment
    os.environ["CATALOGUE_ROOT"] = str(settings.root)
    if workers > 1:
        # the supervisor only starts and watches the workers: this process (every command's modules
        # imported, numpy among them: 56 MB) becomes a bare uvicorn (about 20 MB), same pid, same signals
        sys.stdout.flush()
        os.execv(sys.executable, supervisor_argv(APP_FACTORY, workers, options))
    uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)


APP_FACTORY = "catalogue.web.app:app_from_environment"


def supervisor_argv(app: str, workers: int, options: dict[str, Any]) -> list[str]:
    """`python -m uvicorn` with what `uvicorn.run(app, factory=True, workers=…, **options)` is given."""
    return [sys.executable, "-m", "uvicorn", app, "--factory", "--workers", str(workers),
            "--host", options["host"], "--port", str(options["port"]), "--log-level", options["log_level"],
            "--no-server-header", "--lifespan", options["lifespan"],
            "--timeout-graceful-shutdown", str(options["timeout_graceful_shutdown"])]


STOP_GRACE_S = 5  # how long a stopping server lets running requests finish
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.argument("cutlist", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this computer by default.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.pass_obj
def studio(settings: Settings, cutlist: Path | None, host: str, port: int) -> None:
    """Run the editors' studio: make clips from what is said in a film, in a browser.

    Opens on this computer only, behind a secret link it prints (open that link; a
    browser without it is refused). Works on CUTLIST, or every cut list of the root;
    it writes only those cut lists, after the same validation as `catalogue check`.
    """
    import secrets

    import uvicorn

    from catalogue.studio import create_studio_app

    paths = _paths(settings, (cutlist,) if cutlist else ())
    _check_can_listen(host, port)
    token = secrets.token_urlsafe(24)
    app = create_studio_app(settings, token, paths if cutlist else None, port=port)
    if host not in LOCAL_HOSTS:
        click.echo(f"Warning: listening on {host}: anyone who can reach this address and gets the link can "
                   "change the cut lists. Use the default 127.0.0.1 unless you need this.", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Studio: http://{shown}:{port}/?token={token}")
    click.echo("Open that link in a browser; Ctrl+C stops the studio.", err=True)
    sys.stdout.flush()  # a program reading our output (a test, a launcher) gets the link now
    uvicorn.run(app, host=host, port=port, workers=1, log_level="warning", server_header=False, lifespan="off",
                timeout_graceful_shutdown=STOP_GRACE_S)



def _check_can_listen(host: str, port: int) -> None:
    """Fail with a clear error (not uvicorn's exit 3) when the address is taken or unknown."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise CatalogueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host "
                             "(e.g. 127.0.0.1, or 0.0.0.0 for every network)") from None
    try:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            sock.bind(address)
    except OSError as exc:
        raise CatalogueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; another program (another "
                             "`catalogue serve`?) may be using it: stop it or choose another --port") from None


@cli.command()
@click.option("--force", is_flag=True, help="Regenerate the demo film and texts even if present.")
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1, 64), help="Clips built at once.")
@click.option("--serve/--no-serve", "then_serve", default=True, show_default=True,
              help="Serve the catalogue on http://127.0.0.1:8000 at the end.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
@click.pass_obj
def demo(settings: Settings, force: bool, jobs: int, then_serve: bool, port: int) -> None:
    """Make the demo catalogue in the root: a synthetic film, Dutch and English
    subtitles and a cut list over the six themes, then check, cut, index and serve it.

    When it serves, the adaptive ladder (HLS for slow connections, minutes of encoding)
    is made in the background meanwhile, and the player plays the MP4s until it is
    there; with --no-serve everything is made first. Demo content, written for this
    project, not the real film. Idempotent: a second run reuses what is there.
    """
    from catalogue.demo import make_demo

    made = make_demo(settings, force=force)
    for path in made:
        click.echo(f"made {path.relative_to(settings.root)}")
    ctx = click.get_current_context()
    ctx.invoke(check)
    ctx.invoke(cut, jobs=jobs, ladder=not then_serve)
    ctx.invoke(index)
    if not then_serve:
        return
    _check_can_listen("127.0.0.1", port)
    ladder = _cut_in_background(settings)
    # uvicorn ends by raising the signal that stopped it again: as an exception here, so the cut stops too
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        ctx.invoke(serve, host="127.0.0.1", port=port)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if _stop(ladder):
            click.echo("The adaptive ladder is not finished: `catalogue cut` finishes it.", err=True)


DEMO_LADDER_LOG = "demo-ladder.log"


def _cut_in_background(settings: Settings) -> subprocess.Popen[bytes]:
    """`catalogue cut` in another process (what is left: the adaptive ladder), its output in a log."""
    log_path = settings.state_dir / DEMO_LADDER_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-P", "-m", "catalogue", "--root", str(settings.root), "cut"],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    shown = log_path.relative_to(settings.root) if log_path.is_relative_to(settings.root) else log_path
    click.echo(f"The adaptive ladder (HLS for slow connections) is being made in the background, a few minutes "
               f"(log: {shown}); until then the player plays the MP4s. Stopped early, `catalogue cut` finishes it.")
    return process


def _stop(process: subprocess.Popen[bytes]) -> bool:
    """Stop a background cut (it removes its partial files) and wait for it; whether it was running."""
    running = process.poll() is None
    if running:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return running


from catalogue.cli.pack import pack  # noqa: E402  (its own module: the command is large)
from catalogue.cli.publish import publish  # noqa: E402
from catalogue.cli.withdraw import withdraw  # noqa: E402

cli.add_command(pack)
cli.add_command(publish)
cli.add_command(withdraw)


def main() -> None:
    cli(prog_name="catalogue")
