"""`catalogue demo`: a synthetic film with Dutch and English subtitles and a cut list.

Everything is made here, with ffmpeg's own sources: picture (a moving test pattern,
a title card per theme, a running timecode), sound (a soft tone over pink noise),
and texts from `demo_script` (demo content written for this project, not the real
film). Reruns reuse what exists, and rewrite a text only when it would change, so
the cut that follows finds everything current.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from catalogue.demo.descriptions import SITE_TOML, demo_descriptions, pause_before
from catalogue.demo.lessons import clip_teaching_toml, sessions_toml, theme_teaching_toml
from catalogue.demo.script import THEMES, DemoTheme, Line
from catalogue.fsutil import atomic_path, write_text_atomic
from catalogue.cutlist import Report
from catalogue.errors import CatalogueError
from catalogue.media import file_arg, probe_cached, run_ffmpeg
from catalogue.model import Clip, Cue, CutList, Film, Theme
from catalogue.cutting import ENCODER
from catalogue.settings import Settings
from catalogue.subtitles import MAX_LINE_CHARS, escape_text, format_vtt
from catalogue.timecode import format_timecode

FILM_ID = "van-buddy-tot-community"
WIDTH, HEIGHT, FPS = 1280, 720, 25
PATTERN_W, PATTERN_H = 640, 360  # the moving part of the picture: the rest costs the encoder next to nothing
DEMO_PRESET = "superfast"  # one of catalogue.cutting.rendition.PRESETS, so the film is taken as its own rendition
INTRO_MS, CARD_MS, GAP_MS, PAD_MS = 5000, 4000, 300, 120
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
_CARD_COLORS = ("0x1f4e79", "0x7a2e2e", "0x2e6b3a", "0x5b3a7a", "0x8a5a14", "0x1d6b6b", "0x333333")


@dataclass(frozen=True)
class TimedLine:
    line: Line
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Timeline:
    """Where everything of the demo film falls, in ms."""

    cards: tuple[tuple[str, int, int], ...]  # (title, start, end)
    lines: tuple[tuple[str, str, TimedLine], ...]  # (theme id, clip id, line)
    duration_ms: int


def line_duration_ms(text: str) -> int:
    """Long enough to read at 16 characters a second, between 1.5 and 6.5 s."""
    return int(min(6500, max(1500, len(text) * 1000 / 16 + 300)) // 100 * 100)


def plan_timeline(themes: tuple[DemoTheme, ...] = THEMES) -> Timeline:
    cards = [("Van buddy tot community — demo", 0, INTRO_MS)]
    lines = []
    at = INTRO_MS
    for theme in themes:
        cards.append((theme.title, at, at + CARD_MS))
        at += CARD_MS + GAP_MS
        for clip in theme.clips:
            for index, line in enumerate(clip.lines):
                at += pause_before(clip.id, index)  # a silence for an audio description (catalogue.demo.descriptions)
                end = at + line_duration_ms(max(line.nl, line.en, key=len))
                lines.append((theme.id, clip.id, TimedLine(line, at, end)))
                at = end + GAP_MS
    return Timeline(tuple(cards), tuple(lines), at + 2000)


def wrap_two_lines(text: str) -> str:
    """Break a cue at the space nearest the middle when it is longer than one subtitle line."""
    if len(text) <= MAX_LINE_CHARS:
        return text
    spaces = [i for i, char in enumerate(text) if char == " "]
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2)) if spaces else len(text)
    return text[:middle] + "\n" + text[middle + 1:]


def demo_cues(timeline: Timeline, lang: str) -> list[Cue]:
    cues = []
    for _, _, timed in timeline.lines:
        text = escape_text(wrap_two_lines(getattr(timed.line, lang)))
        if timed.line.speaker:
            text = f"<v {escape_text(timed.line.speaker)}>{text}"
        cues.append(Cue(timed.start_ms, timed.end_ms, text))
    return cues


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def demo_cutlist(timeline: Timeline, video: str, subtitles: dict[str, str], descriptions: str = "") -> str:
    out = [
        "# DEMO CONTENT, made by `catalogue demo`: a synthetic film and texts written for this",
        "# project, not the real film. Rewritten on each demo run; edit a copy, not this file.",
        "",
        "[film]",
        f"id = {_toml(FILM_ID)}",
        'title = "Van buddy tot community (demo)"',
        f"video = {_toml(video)}",
        'language = "nl"',
        'description = "Demo-inhoud: synthetisch beeld en geluid, met fictieve getuigenissen over buddywerking.'
        ' De echte film volgde 28 buddyprojecten drie jaar lang."',
        'credits = "Demo gemaakt voor dit project · naar de film van Odisee, De Link en SAM"',
        "",
        "[film.subtitles]",
        *(f"{lang} = {_toml(path)}" for lang, path in subtitles.items()),
        *(["", "[film.descriptions]", f"nl = {_toml(descriptions)}"] if descriptions else []),
    ]
    for theme in THEMES:
        out += ["", "[[theme]]", f"id = {_toml(theme.id)}", f"title = {_toml(theme.title)}",
                f"description = {_toml(theme.description)}", *theme_teaching_toml(theme.id)]
    for theme in THEMES:
        for clip in theme.clips:
            timed = [t for theme_id, clip_id, t in timeline.lines if clip_id == clip.id]
            speakers = sorted({t.line.speaker for t in timed if t.line.speaker})
            out += ["", "[[clip]]", f"id = {_toml(clip.id)}", f"title = {_toml(clip.title)}",
                    f"themes = [{_toml(theme.id)}]",
                    f"start = {_toml(format_timecode(timed[0].start_ms - PAD_MS))}",
                    f"end = {_toml(format_timecode(timed[-1].end_ms + PAD_MS))}",
                    f"description = {_toml(clip.description)}",
                    f"speakers = [{', '.join(_toml(s) for s in speakers)}]", *clip_teaching_toml(clip.id)]
    return "\n".join(out + sessions_toml()) + "\n"


def find_font() -> str | None:
    """A TrueType font for the title cards; without one the cards are plain colour."""
    for candidate in _FONTS:
        if Path(candidate).is_file():
            return candidate
    found = sorted(Path("/usr/share/fonts").rglob("*.ttf")) if Path("/usr/share/fonts").is_dir() else []
    return str(found[0]) if found else None


def film_args(timeline: Timeline, dest: Path, workdir: Path, font: str | None) -> list[str]:
    """One ffmpeg run: a moving test pattern (with its own timecode and frame number) on a calm
    background, title cards, a large timecode, sound. Written straight in the form of a film's
    rendition (catalogue.cutting.rendition: 720p H.264, an IDR frame every 2 s, stitchable headers, AAC),
    so `cut` copies it instead of encoding it again, and cuts its clips the smart way. The
    preset is a fast one: the picture is synthetic, the demo should start soon."""
    seconds = timeline.duration_ms / 1000
    background = ffmpeg.input(f"color=c=0x1b2a38:size={WIDTH}x{HEIGHT}:rate={FPS}:duration={seconds}", f="lavfi")
    pattern = ffmpeg.input(f"testsrc2=size={PATTERN_W}x{PATTERN_H}:rate={FPS}:duration={seconds}", f="lavfi")
    video = ffmpeg.overlay(background.video, pattern.video, x=(WIDTH - PATTERN_W) // 2, y=96)
    for number, (title, start, end) in enumerate(timeline.cards):
        enable = f"between(t,{start / 1000},{end / 1000})"
        color = _CARD_COLORS[number % len(_CARD_COLORS)]
        video = video.drawbox(x=0, y=0, width=WIDTH, height=HEIGHT, color=color, thickness="fill", enable=enable)
        if font:
            text_file = workdir / f"card{number}.txt"
            text_file.write_text(title, encoding="utf-8")
            video = video.drawtext(fontfile=font, textfile=str(text_file), fontsize=64, fontcolor="white",
                                   x="(w-text_w)/2", y="(h-text_h)/2", enable=enable)
    if font:  # without a font, testsrc2's own timecode in the corner is the running clock
        clock = workdir / "clock.txt"
        clock.write_text("DEMO  %{pts:hms}", encoding="utf-8")
        video = video.drawbox(x=0, y=HEIGHT - 64, width=WIDTH, height=64, color="black@0.6", thickness="fill")
        video = video.drawtext(fontfile=font, textfile=str(clock), fontsize=36, fontcolor="white",
                               x=24, y=HEIGHT - 50)
    tone = ffmpeg.input(f"sine=frequency=220:beep_factor=4:sample_rate=48000:duration={seconds}", f="lavfi")
    noise = ffmpeg.input(f"anoisesrc=color=pink:amplitude=0.04:sample_rate=48000:duration={seconds}", f="lavfi")
    audio = ffmpeg.filter([tone.audio, noise.audio], "amix", inputs=2, duration="shortest").filter("volume", 0.5)
    encoder = {**ENCODER, "preset": DEMO_PRESET}
    out = ffmpeg.output(video.filter("format", "yuv420p"), audio, file_arg(dest), **encoder)
    return list(out.global_args("-hide_banner", "-nostdin", "-v", "error").compile(overwrite_output=True))[1:]


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text("utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True


def _lasts(settings: Settings, video: Path, duration_ms: int) -> bool:
    """Whether the demo film there is as long as this version of the demo's timeline (else it is remade)."""
    try:
        return abs(probe_cached(video, settings.probe_dir).duration_ms - duration_ms) < 500
    except CatalogueError:
        return False


def make_demo(settings: Settings, *, force: bool = False) -> list[Path]:
    """Write the demo film, subtitles and cut list under the root; return what was (re)made."""
    timeline = plan_timeline()
    video = settings.media_dir / "demo" / f"{FILM_ID}.mp4"
    subs = {lang: settings.transcripts_dir / "demo" / f"{FILM_ID}.{lang}.vtt" for lang in ("nl", "en")}
    cutlist = settings.media_dir / f"demo-{FILM_ID}.toml"
    made = []
    for lang, path in subs.items():
        header = "- DEMO CONTENT written for this project, not the real film"
        if _write_if_changed(path, format_vtt(demo_cues(timeline, lang), header=header)) or force:
            made.append(path)
    described = settings.transcripts_dir / "demo" / f"{FILM_ID}.nl.descriptions.vtt"
    if _write_if_changed(described, format_vtt(demo_descriptions(timeline), header=header)) or force:
        made.append(described)
    relative = {lang: f"../transcripts/demo/{path.name}" for lang, path in subs.items()}
    if _write_if_changed(cutlist, demo_cutlist(timeline, f"demo/{video.name}", relative,
                                               f"../transcripts/demo/{described.name}")):
        made.append(cutlist)
    if not settings.site_file.exists():  # a host's own is never touched
        write_text_atomic(settings.site_file, SITE_TOML)
        made.append(settings.site_file)
    if force or not video.is_file() or not _lasts(settings, video, timeline.duration_ms):
        with tempfile.TemporaryDirectory(prefix="catalogue-demo-") as workdir, atomic_path(video) as tmp:
            run_ffmpeg(film_args(timeline, tmp, Path(workdir), find_font()), about=video)
        made.append(video)
    return made


def demo_report(root: Path, themes: tuple[DemoTheme, ...] = THEMES) -> Report:
    """The demo's clips and Dutch cues as `check` would report them, without making the film (the
    search benchmark's collection and the search tests use the demo's texts this way)."""
    timeline = plan_timeline(themes)
    clips = []
    for theme in themes:
        for clip in theme.clips:
            timed = [t for _, clip_id, t in timeline.lines if clip_id == clip.id]
            clips.append(Clip(clip.id, FILM_ID, clip.title, (theme.id,), timed[0].start_ms - PAD_MS,
                              timed[-1].end_ms + PAD_MS, description=clip.description,
                              speakers=tuple(sorted({t.line.speaker for t in timed if t.line.speaker}))))
    film = Film(FILM_ID, "Van buddy tot community (demo)", root / f"{FILM_ID}.mp4", "nl")
    cutlist = CutList(root / f"demo-{FILM_ID}.toml", film, tuple(Theme(t.id, t.title) for t in themes), tuple(clips))
    return Report(cutlists=[cutlist], cues={(FILM_ID, "nl"): demo_cues(timeline, "nl")})
