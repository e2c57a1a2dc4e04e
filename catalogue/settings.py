"""One settings object, built once from the command line or the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


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
    """Where a catalogue lives. Every generated path derives from `root`."""

    root: Path

    @classmethod
    def from_env(cls, root: str | Path | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
        """`root` (from `--root`) wins, then `CATALOGUE_ROOT`, then the current directory."""
        chosen = root if root is not None else environ.get("CATALOGUE_ROOT") or "."
        return cls(root=Path(chosen).expanduser().resolve())

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
