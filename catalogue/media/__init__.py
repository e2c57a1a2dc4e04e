"""Running ffmpeg and ffprobe, what is known of a media file (cached by its identity), and the
MP4 tables read straight from the file (plain, or fragmented as the adaptive ladder's files are). Everything that touches a media file goes through here."""

from __future__ import annotations

from catalogue.media.runner import PROBE_TIMEOUT_S, Packets, ProgressCallback, RUNNING, file_arg, parse_packets, run_ffmpeg, stream_ffmpeg
from catalogue.media.probecache import file_identity, identity_key, probe_cached
from catalogue.media.mp4 import avc_config
from catalogue.media.fmp4 import Fragment, Fragmented, read_fragmented, read_tracks
from catalogue.media.hashes import content_hash

__all__ = [
    "avc_config", "content_hash", "file_arg", "file_identity", "Fragment", "Fragmented", "identity_key", "Packets",
    "parse_packets", "probe_cached", "PROBE_TIMEOUT_S", "ProgressCallback", "read_fragmented", "read_tracks",
    "run_ffmpeg", "RUNNING", "stream_ffmpeg",
]
