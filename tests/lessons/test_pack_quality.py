"""`catalogue pack --quality 360p` (catalogue.lessons.quality): a smaller pack for a USB stick or a slow
download, its clips the 360p rungs of their ladders as plain MP4s. On the session's ladder site."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from catalogue.media import read_fragmented
from catalogue.media.runner import probe
from catalogue.settings import Settings


def pack(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "catalogue", "--root", str(settings.root), "pack", "rekrutering",
                           "--no-pdf", *args], capture_output=True, text=True, timeout=120)


def test_a_360p_pack_holds_each_clips_360p_rung_as_a_plain_mp4(ladder_site: Settings, tmp_path: Path) -> None:
    small, full = tmp_path / "klein.zip", tmp_path / "groot.zip"
    done = pack(ladder_site, "--quality", "360p", "--out", str(small))
    assert done.returncode == 0, done.stderr
    assert pack(ladder_site, "--out", str(full)).returncode == 0
    with zipfile.ZipFile(small) as archive:
        names = archive.namelist()
        assert "clips/lang.mp4" in names and "clips/kort.mp4" in names
        archive.extract("clips/lang.mp4", tmp_path / "small")
    clip = tmp_path / "small" / "clips" / "lang.mp4"
    info = probe(clip)
    assert info.video is not None and (info.video.width, info.video.height) == (640, 360)
    assert read_fragmented(clip) is None  # plain: plays from a file, seeks without fragments
    assert clip.read_bytes()[4:8] == b"ftyp" and b"moov" in clip.read_bytes()[:4096]  # its index first
    rung = ladder_site.clip_hls("lang") / "360p.mp4"
    assert abs(info.duration_ms - read_fragmented(rung).seconds * 1000) < 50  # type: ignore[union-attr]
    mb_a_minute = clip.stat().st_size / 1e6 / (info.duration_ms / 60_000)
    assert mb_a_minute < 5.0, mb_a_minute  # 500 kbit/s of picture and 96 of sound: about 4.5 MB a minute
    assert small.stat().st_size < full.stat().st_size / 2
    again = pack(ladder_site, "--quality", "360p", "--out", str(small))
    assert "is current" in again.stdout or "Wrote" in again.stdout  # (outside the root: no record, written again)
