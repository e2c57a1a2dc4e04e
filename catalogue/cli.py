"""The `catalogue` command: a thin layer that turns library calls into output and exit codes."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from catalogue import __version__
from catalogue.cutlist import Report, check_cutlists
from catalogue.cutting import MODES, build, pending_steps, plan_cut
from catalogue.buildrecord import BuildRecords
from catalogue.errors import CatalogueError, CutError, Problem
from catalogue.probecache import probe_cached
from catalogue.progress import BarListener, LineListener
from catalogue.settings import Settings


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
    """Media catalogue for the film *Van buddy tot community*: cut clips, search, serve."""
    ctx.obj = Settings.from_env(root)


def _paths(settings: Settings, cutlists: tuple[Path, ...]) -> list[Path]:
    paths = [p.resolve() for p in cutlists] or settings.cutlist_paths()
    if not paths:
        raise CatalogueError(f"no cut lists in {settings.media_dir}: write one (see README, 'The cut list') "
                             "or name one on the command line")
    return paths


def _check(settings: Settings, cutlists: tuple[Path, ...]) -> Report:
    return check_cutlists(_paths(settings, cutlists), lambda path: probe_cached(path, settings.probe_dir))


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
    """Validate cut lists, media and subtitles; write nothing.

    Prints every error and warning, each with its file, clip or theme and field.
    Exits 1 when there are errors; warnings (subtitle readability, clips that cut
    through a subtitle) do not fail the check.
    """
    report = _check(settings, cutlists)
    _print_problems("Warnings", report.warnings)
    _print_problems("Errors", report.errors)
    clips = sum(len(c.clips) for c in report.cutlists)
    if report.errors:
        sys.exit(1)
    click.echo(f"OK: {len(report.cutlists)} cut list(s), {clips} clips, {len(report.warnings)} warning(s).")


@cli.command()
@cutlist_args
@click.option("--only", multiple=True, metavar="CLIP_ID", help="Build only this clip (repeatable).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64), help="Clips built at once.")
@click.option("--mode", type=click.Choice(MODES), default="exact", show_default=True,
              help="exact: re-encode, frame-accurate. copy: no re-encoding, starts at the keyframe before start.")
@click.option("--force", is_flag=True, help="Rebuild every output, even those that are current.")
@click.option("--dry-run", is_flag=True, help="Print what would be built, build nothing.")
@click.pass_obj
def cut(settings: Settings, cutlists: tuple[Path, ...], only: tuple[str, ...], jobs: int, mode: str,
        force: bool, dry_run: bool) -> None:
    """Build clips (MP4, poster, VTT per language), chapters and the web film.

    Incremental: an output is rebuilt only when its inputs or settings changed.
    A failed clip does not stop the others; the summary lists it and the exit code is 1.
    """
    report = _check(settings, cutlists)
    _print_problems("Warnings", report.warnings, limit=5)
    catalogue = report.catalogue()
    unknown = sorted(set(only) - {clip.id for clip in catalogue.clips})
    if unknown:
        raise CatalogueError(f"--only: no clip with id {', '.join(map(repr, unknown))}")
    plan, unplannable = plan_cut(settings, catalogue, report, mode=mode, only=only)
    if dry_run:
        _print_plan(settings, plan, force)
        return
    listener = BarListener(sys.stderr) if sys.stderr.isatty() else LineListener(sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        summary = build(settings, plan, force=force, workers=jobs, listener=listener)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if isinstance(listener, BarListener):
            listener.finish()
    failed = {**unplannable, **summary.failed}
    click.echo(f"{len(summary.built)} output(s) built, {len(summary.current)} already current, "
               f"{len(failed)} failed.")
    if failed:
        lines = "\n".join(f"  {name}: {message}" for name, message in failed.items())
        raise CutError(f"{len(failed)} job(s) failed, the rest was built:\n{lines}")


def _raise_interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def _print_plan(settings: Settings, plan: list, force: bool) -> None:
    records = BuildRecords(settings.root, settings.build_dir)
    for job in plan:
        pending = pending_steps(job, records, force)
        for step in job.steps:
            state = "build" if step in pending else "current"
            click.echo(f"{state:8} {step.output.relative_to(settings.root)}")
        if job.note:
            click.echo(f"         ({job.name}: {job.note})")


@cli.command()
@click.option("--force", is_flag=True, help="Regenerate the demo film and texts even if present.")
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1, 64), help="Clips built at once.")
@click.pass_obj
def demo(settings: Settings, force: bool, jobs: int) -> None:
    """Make the demo catalogue in the root: a synthetic film, Dutch and English
    subtitles and a cut list over the six themes, then check and cut it.

    Demo content, written for this project, not the real film. Idempotent: a second
    run reuses what is there.
    """
    from catalogue.demo import make_demo

    made = make_demo(settings, force=force)
    for path in made:
        click.echo(f"made {path.relative_to(settings.root)}")
    ctx = click.get_current_context()
    ctx.invoke(check)
    ctx.invoke(cut, jobs=jobs)


def main() -> None:
    cli(prog_name="catalogue")
