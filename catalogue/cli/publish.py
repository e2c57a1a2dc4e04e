"""`catalogue publish`: the files to upload to a media origin."""

from __future__ import annotations

from pathlib import Path

import click

from catalogue.settings import Settings
from catalogue.web import publish_catalogue


@click.command()
@click.argument("dest", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(settings: Settings, dest: Path) -> None:
    """Write the media to upload to a CDN, object store or static host into DIR.

    Every clip's and film's video, poster, captions and HLS ladder, under names that carry
    their content's hash (cache them forever), and DIR/manifest.json listing them. Upload
    DIR as it is and set CATALOGUE_MEDIA_URL (or `serve --media-url`) to where it is
    served; run it again after `catalogue cut`: it writes only what is new and removes
    what the catalogue no longer names. DIR must be empty or an earlier publish.
    """
    report = publish_catalogue(settings, dest.resolve())
    click.echo(f"{dest}: {report.written} file(s) written, {report.kept} already there, {len(report.removed)} removed; "
               f"{report.bytes / 1e6:.1f} MB in all, listed in {report.manifest.name}.")
    if report.removed:  # old versions may stay at the origin; a withdrawn clip's files must not
        click.echo("No longer named by the catalogue (delete them at the origin if a clip was withdrawn): "
                   + ", ".join(sorted(report.removed)[:10]) + (" …" if len(report.removed) > 10 else ""))
    click.echo("Upload the folder as it is, then point CATALOGUE_MEDIA_URL at it (docs/hosting.md).")
