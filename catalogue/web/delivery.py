"""Media URLs: where the site's media are fetched from, and under which names.

Every output of `cut` that a page points at (clip and film videos, posters, WebVTT, the HLS
ladders) has a *versioned* name that carries its content's hash:

    /media/clips/<clip>.mp4               ->  /media/clips/<clip>.<hash>.mp4
    /transcripts/clips/<clip>.nl.vtt      ->  /transcripts/clips/<clip>.nl.<hash>.vtt
    /media/hls/clips/<clip>/master.m3u8   ->  /media/hls/clips/<clip>.<hash>/master.m3u8

(a ladder's folder carries the hash of all its files, so the playlists inside keep their relative
names). A versioned name never changes its bytes, so it is sent with `Cache-Control: public,
max-age=31536000, immutable` and never needs purging from a CDN; the pages that name them stay
short-lived. With `media_url` the same names are taken from that origin (a CDN, an object store,
nginx), where `catalogue publish` put them; without it the site serves them itself.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from catalogue.media import content_hash
from catalogue.settings import Settings

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
_VERSIONED_FILE = re.compile(r"^(?P<stem>[^/]+)\.(?P<hash>[0-9a-f]{16})(?P<suffix>\.[A-Za-z0-9]+)$")
_VERSIONED_FOLDER = re.compile(r"^(?P<name>[^/.]+)\.(?P<hash>[0-9a-f]{16})$")
LADDER_PREFIXES = ("/media/hls/clips/", "/media/hls/films/")


@dataclass(frozen=True)
class Published:
    """One file as the media origin has it."""

    name: str  # its versioned path, without the leading slash: "media/clips/x.0123456789abcdef.mp4"
    source: Path  # the output of `cut` it is a copy of


def media_origin(media_url: str) -> str:
    """The origin (scheme://host[:port]) of a media URL, for the Content-Security-Policy; "" for none."""
    if not media_url:
        return ""
    parts = urlsplit(media_url)
    return f"{parts.scheme}://{parts.netloc}"


class Delivery:
    """The versioned names and URLs of a catalogue's media, from its files' content hashes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base = settings.media_url
        self.folders = {
            "/media/clips/": settings.clips_dir, "/media/films/": settings.films_dir,
            "/transcripts/clips/": settings.clip_transcripts_dir, "/transcripts/films/": settings.film_transcripts_dir,
            "/media/hls/clips/": settings.hls_dir / "clips", "/media/hls/films/": settings.hls_dir / "films",
        }

    # --- names ---------------------------------------------------------------------------------

    def versioned(self, site_path: str) -> str | None:
        """The versioned path of a site media path ("/media/clips/x.mp4"), or None when there is no
        such file (not built yet) or the path is none of the media."""
        prefix, rest = self._split(site_path)
        if prefix is None:
            return None
        folder = self.folders[prefix]
        if prefix in LADDER_PREFIXES:
            ladder, _, name = rest.partition("/")
            digest = self.folder_hash(folder / ladder)
            if digest is None or "/" in name or not (folder / ladder / name).is_file():
                return None
            return f"{prefix}{ladder}.{digest}/{name}"
        digest = self.file_hash(folder / rest)
        if digest is None:
            return None
        stem, dot, suffix = rest.rpartition(".")
        return f"{prefix}{stem}.{digest}.{suffix}" if dot else None

    def url(self, site_path: str) -> str:
        """Where a page fetches a medium: its versioned path at the media origin (or this site); the
        plain path when the file is not there (a page then says what is missing, or the player fails
        as it would)."""
        versioned = self.versioned(site_path)
        return f"{self.base}{versioned}" if versioned else site_path

    def resolve(self, versioned_path: str) -> Path | None:
        """The file a versioned path names, when its hash is that of the file as it is now; else None."""
        prefix, rest = self._split(versioned_path)
        if prefix is None:
            return None
        folder = self.folders[prefix]
        if prefix in LADDER_PREFIXES:
            ladder, _, name = rest.partition("/")
            match = _VERSIONED_FOLDER.match(ladder)
            if not match or "/" in name or name.startswith("."):
                return None
            path = folder / match["name"] / name
            current = self.folder_hash(folder / match["name"])
        else:
            match = _VERSIONED_FILE.match(rest)
            if not match:
                return None
            path = folder / f"{match['stem']}{match['suffix']}"
            current = self.file_hash(path)
        return path if current == match["hash"] and path.is_file() else None

    def _split(self, site_path: str) -> tuple[str | None, str]:
        for prefix in sorted(self.folders, key=len, reverse=True):
            if site_path.startswith(prefix):
                rest = site_path[len(prefix):]
                if rest and ".." not in rest.split("/") and not rest.startswith((".", "/")) and "\\" not in rest:
                    return prefix, rest
        return None, ""

    # --- hashes ----------------------------------------------------------------------------------

    def file_hash(self, path: Path) -> str | None:
        try:
            return content_hash(path, self.settings.hash_dir) if path.is_file() and not path.is_symlink() else None
        except OSError:
            return None

    def folder_hash(self, folder: Path) -> str | None:
        """The hash of a ladder: of each of its files' names and hashes. None without a master playlist."""
        try:
            files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        except OSError:
            return None
        if not any(p.name == "master.m3u8" for p in files):
            return None
        digest = hashlib.sha256()
        for path in files:
            file_digest = self.file_hash(path)
            if file_digest is None:
                return None
            digest.update(f"{path.name}\0{file_digest}\n".encode())
        return digest.hexdigest()[:16]

    # --- what the media origin holds ---------------------------------------------------------------

    def publishable(self, site_paths: list[str]) -> list[Published]:
        """Every file behind these site paths under its versioned name (a ladder: each of its files)."""
        found: dict[str, Published] = {}
        for site_path in site_paths:
            versioned = self.versioned(site_path)
            if versioned is None:
                continue
            prefix, rest = self._split(site_path)
            assert prefix is not None
            if prefix in LADDER_PREFIXES:
                folder = self.folders[prefix] / rest.partition("/")[0]
                top = versioned.rsplit("/", 1)[0]
                for path in sorted(folder.iterdir()):
                    if path.is_file() and not path.name.startswith("."):
                        found[f"{top}/{path.name}".lstrip("/")] = Published(f"{top}/{path.name}".lstrip("/"), path)
            else:
                found[versioned.lstrip("/")] = Published(versioned.lstrip("/"), self.folders[prefix] / rest)
        return sorted(found.values(), key=lambda p: p.name)
