"""One settings object, built once from the command line or the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from catalogue.errors import CatalogueError

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACK_CACHE_MB = 1024.0  # the default cap of the site's cache of URL-defined lesson packs (MiB)


def user_cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where models and word lists made from installed packages are kept, for every catalogue root:
    $CATALOGUE_CACHE_DIR, else $XDG_CACHE_HOME/catalogue, else ~/.cache/catalogue."""
    chosen = environ.get("CATALOGUE_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "catalogue"


@dataclass(frozen=True)
class Settings:
    """Where a catalogue lives (every generated path derives from `root`), and how the site runs.

    `base_url`: the site's public address (`https://catalogus.example.be`, env `CATALOGUE_BASE_URL`); every
    absolute URL the site gives out (oEmbed, embed codes, the API, JSON-LD) starts with it. Unset, they are
    made from the request's Host, and the site answers only a Host that is local (web.hosts).
    `pack_cache_mb`: how much the lesson packs of URL-defined sessions may keep on disk (MiB, env
    `CATALOGUE_PACK_CACHE_MB`); the least recently used go first."""

    root: Path
    base_url: str = ""
    pack_cache_mb: float = PACK_CACHE_MB
    # where the media are served from (a CDN, an object store, a static host): every media URL of the site
    # points there, under the names `catalogue publish` writes; "" when the site serves them itself
    media_url: str = ""

    @classmethod
    def from_env(cls, root: str | Path | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
        """`root` (from `--root`) wins, then `CATALOGUE_ROOT`, then the current directory; the others come
        from `CATALOGUE_<NAME>`, else their defaults. CatalogueError naming the variable for a bad value."""
        chosen = root if root is not None else environ.get("CATALOGUE_ROOT") or "."
        return cls(root=Path(chosen).expanduser().resolve(),
                   base_url=parse_base_url(environ.get("CATALOGUE_BASE_URL", ""), "CATALOGUE_BASE_URL"),
                   pack_cache_mb=parse_megabytes(environ.get("CATALOGUE_PACK_CACHE_MB", ""), PACK_CACHE_MB,
                                                 "CATALOGUE_PACK_CACHE_MB"),
                   media_url=parse_media_url(environ.get("CATALOGUE_MEDIA_URL", ""), "CATALOGUE_MEDIA_URL"))

    @property
    def pack_cache_bytes(self) -> int:
        return int(self.pack_cache_mb * 2**20)

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @property
    def transcripts_dir(self) -> Path:
        return self.root / "transcripts"

    @property
    def clips_dir(self) -> Path:
        return self.media_dir / "clips"

    @property
    def clip_transcripts_dir(self) -> Path:
        return self.transcripts_dir / "clips"

    @property
    def films_dir(self) -> Path:
        return self.media_dir / "films"

    @property
    def film_transcripts_dir(self) -> Path:
        return self.transcripts_dir / "films"

    @property
    def state_dir(self) -> Path:
        """Build records, probe cache and search index: generated, never committed."""
        return self.root / ".catalogue"

    @property
    def build_dir(self) -> Path:
        return self.state_dir / "build"

    @property
    def probe_dir(self) -> Path:
        return self.state_dir / "probe"

    @property
    def rendition_dir(self) -> Path:
        """What the smart cut knows of each film's rendition (catalogue.cutting.rendition), and its pieces at work."""
        return self.state_dir / "renditions"

    @property
    def hls_dir(self) -> Path:
        """The adaptive ladders (catalogue.cutting.ladder): a folder per clip and per film."""
        return self.media_dir / "hls"

    @property
    def hash_dir(self) -> Path:
        """The content hash of each served file, by file version (the versions in media URLs)."""
        return self.state_dir / "hashes"

    @property
    def index_dir(self) -> Path:
        return self.state_dir / "index"

    @property
    def embeddings_dir(self) -> Path:
        """The search's vectors by text, so that a rebuild embeds only what changed."""
        return self.state_dir / "embeddings"

    @property
    def templates_dir(self) -> Path:
        return PROJECT_DIR / "templates"

    # The outputs of `catalogue cut`, named here once for the cutting, the web and the search.

    def clip_video(self, clip_id: str) -> Path:
        return self.clips_dir / f"{clip_id}.mp4"

    def clip_poster(self, clip_id: str) -> Path:
        return self.clips_dir / f"{clip_id}.jpg"

    def clip_vtt(self, clip_id: str, lang: str) -> Path:
        return self.clip_transcripts_dir / f"{clip_id}.{lang}.vtt"

    def clip_hls(self, clip_id: str) -> Path:
        """The folder of a clip's ladder: master.m3u8, and a playlist and a file per rung."""
        return self.hls_dir / "clips" / clip_id

    def film_hls(self, film_id: str) -> Path:
        return self.hls_dir / "films" / film_id

    def film_video(self, film_id: str) -> Path:
        return self.films_dir / f"{film_id}.mp4"

    def film_poster(self, film_id: str) -> Path:
        return self.films_dir / f"{film_id}.jpg"

    def film_vtt(self, film_id: str, lang: str) -> Path:
        """The film's subtitles in `lang`, or with lang "chapters" its chapters track."""
        return self.film_transcripts_dir / f"{film_id}.{lang}.vtt"

    @property
    def site_file(self) -> Path:
        """The site settings (catalogue.cutlist.site): who publishes, the statement's dates, the voice."""
        return self.root / "site.toml"

    def clip_descriptions_vtt(self, clip_id: str, lang: str) -> Path:
        return self.clip_transcripts_dir / f"{clip_id}.{lang}.descriptions.vtt"

    def film_descriptions_vtt(self, film_id: str, lang: str) -> Path:
        return self.film_transcripts_dir / f"{film_id}.{lang}.descriptions.vtt"

    def described_video(self, stem: str, film: bool = False) -> Path:
        """The described version of a clip (or with `film`, of a film): descriptions spoken, mixed in."""
        return (self.films_dir if film else self.clips_dir) / f"{stem}.ad.mp4"

    def described_vtt(self, stem: str, lang: str, film: bool = False) -> Path:
        """Subtitles re-timed to the described version (which holds the picture for long descriptions)."""
        return (self.film_transcripts_dir if film else self.clip_transcripts_dir) / f"{stem}.{lang}.ad.vtt"

    def cutlist_paths(self) -> list[Path]:
        """Every cut list of the catalogue: `media/*.toml`, sorted."""
        return sorted(self.media_dir.glob("*.toml"))


def parse_base_url(value: str, name: str = "base_url") -> str:
    """`https://host[:port][/path]` without a trailing slash, "" for none; CatalogueError otherwise."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(c.isspace() for c in value):
        raise CatalogueError(f"{name}: {value!r} is not the site's address: write it as https://host[:port][/path], "
                             "e.g. https://catalogus.example.be")
    return value


def parse_megabytes(value: str, default: float, name: str) -> float:
    """A size in MiB (e.g. "1024" or "0.5"), `default` when empty; CatalogueError otherwise."""
    if not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not (math.isfinite(number) and number >= 0) or not value.strip().isascii():
        raise CatalogueError(f"{name}: {value!r} is not a size in megabytes (a number, 0 or more, e.g. 1024)")
    return number


def parse_media_url(text: str, name: str = "media_url") -> str:
    """The media origin as the site uses it (no trailing slash), or "" for none; a clear error for what
    is no http(s) URL of a folder."""
    text = text.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CatalogueError(f"{name}: {text!r} is not an http(s) address of a folder: set it "
                             "to where the files of `catalogue publish` are served, e.g. "
                             "https://media.example.org/catalogue")
    return text.rstrip("/")
