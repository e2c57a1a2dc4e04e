"""Times are integers of milliseconds; this module parses and formats them at the edges.

>>> parse_timecode("00:03:12.400")
192400
>>> parse_timecode("3:12.4")
192400
>>> parse_timecode(12.5)
12500
>>> format_timecode(192400)
'00:03:12.400'
"""

from __future__ import annotations

import math
import re

from catalogue.errors import TimecodeError

# ASCII digits only, and few enough that int() never refuses them (it stops at 4300 digits)
_CLOCK = re.compile(
    r"""(?:(?P<h>\d{1,9}):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,](?P<frac>\d{1,3}))?""", re.ASCII
)
_SECONDS = re.compile(r"\d{1,12}(?:\.\d{1,3})?", re.ASCII)  # both with fullmatch


def parse_timecode(value: object) -> int:
    """Parse `hh:mm:ss.mmm`, `mm:ss.mmm`, `hh:mm:ss` or seconds (str, int, float) to ms."""
    if isinstance(value, bool):
        raise TimecodeError(value)
    if isinstance(value, int):
        if value < 0:
            raise TimecodeError(value, "must not be negative")
        return value * 1000
    if isinstance(value, float):
        if not math.isfinite(value * 1000) or value < 0:  # 1e308 s overflows to inf ms
            raise TimecodeError(value, "must be a finite number of seconds, not negative")
        return round(value * 1000)
    if not isinstance(value, str):
        raise TimecodeError(value)
    text = value.strip()
    if _SECONDS.fullmatch(text):
        whole, _, frac = text.partition(".")
        return int(whole) * 1000 + int(frac.ljust(3, "0") or 0)
    match = _CLOCK.fullmatch(text)
    if not match:
        raise TimecodeError(value)
    minutes, seconds = int(match["m"]), int(match["s"])
    if minutes > 59 and match["h"] is not None:
        raise TimecodeError(value, "minutes must be below 60")
    if seconds > 59:
        raise TimecodeError(value, "seconds must be below 60")
    hours = int(match["h"] or 0)
    millis = int((match["frac"] or "0").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def format_timecode(ms: int, *, separator: str = ".") -> str:
    """Format ms as `hh:mm:ss.mmm` (WebVTT); `separator=","` gives SRT's form."""
    if ms < 0:
        raise ValueError(f"negative time {ms} ms")
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def format_clock(ms: int) -> str:
    """A short human clock for listings: `3:12` or `1:03:12`."""
    seconds = max(0, ms) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def format_seconds(ms: int) -> str:
    """Seconds with millisecond precision for ffmpeg arguments: `192.4`, `3`."""
    whole, millis = divmod(ms, 1000)
    return f"{whole}.{millis:03d}".rstrip("0").rstrip(".") if millis else str(whole)
