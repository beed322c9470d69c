"""Videos: the container must really be what it claims, and nothing of the phone's metadata
(GPS position, creation time, device model) survives. Debian's ffmpeg/ffprobe do the work."""

import json
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext

from reports.errors import ReportInvalid

# What ffprobe must name for each accepted type (its format_name is a comma-separated list).
CONTAINERS = {"mp4": {"mp4", "mov"}, "mov": {"mov", "mp4"}, "webm": {"webm"}}
MUXERS = {"mp4": "mp4", "mov": "mov", "webm": "webm"}
TIMEOUT_S = 120


def _probe(path: Path) -> dict | None:
    try:
        done = subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout)
    except ValueError:
        return None


def _bad(index: int) -> ReportInvalid:
    return ReportInvalid(
        gettext("Video thứ %(index)s bị hỏng hoặc không đúng định dạng (MP4, WebM, MOV).")
        % {"index": index},
        field="media",
    )


def video_clean(data: bytes, *, extension: str, index: int = 1) -> bytes:
    """The same audio and video streams, copied without re-encoding, and no metadata at all."""
    with tempfile.TemporaryDirectory(prefix="portal-video-") as folder:
        source = Path(folder) / f"in.{extension}"
        target = Path(folder) / f"out.{extension}"
        source.write_bytes(data)
        probe = _probe(source)
        names = set((probe or {}).get("format", {}).get("format_name", "").split(","))
        streams = [s.get("codec_type") for s in (probe or {}).get("streams", [])]
        if not names & CONTAINERS[extension] or "video" not in streams:
            raise _bad(index)
        command = [
            "ffmpeg", "-nostdin", "-v", "error", "-i", str(source),
            "-map", "0:v", "-map", "0:a?", "-c", "copy",
            "-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-f", MUXERS[extension], str(target),
        ]  # fmt: skip
        if extension in ("mp4", "mov"):
            command[-3:-3] = ["-movflags", "+faststart"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise _bad(index) from exc
        if done.returncode != 0 or not target.exists():
            raise _bad(index)
        return target.read_bytes()
