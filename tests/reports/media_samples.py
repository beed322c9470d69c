"""Tiny media files built in memory for upload tests."""

import io
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return (float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4))


def gps_jpeg(lon: float = 103.0578, lat: float = 21.4156, name: str = "IMG_0001.JPG"):
    """A JPEG with camera make/model and a GPS block, as phones write them."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    exif[0x0110] = "Model X"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = _dms(lat)
    gps[3] = "E"
    gps[4] = _dms(lon)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def png(name: str = "anh.png"):
    buf = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@lru_cache(maxsize=1)
def _phone_video() -> bytes:
    """Half a second of real H.264/AAC in MP4, tagged the way phones tag their clips."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10",
                "-f", "lavfi", "-i", "sine=frequency=440", "-t", "0.5", "-shortest",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-metadata", f"location={PHONE_VIDEO_LOCATION}",
                "-metadata", "creation_time=2026-01-01T08:00:00Z",
                "-metadata", "make=SecretPhoneMaker", "-metadata", "model=Model X",
                "-movflags", "use_metadata_tags", str(path),
            ],
            check=True,
        )  # fmt: skip
        return path.read_bytes()


PHONE_VIDEO_LOCATION = "+21.4156+103.0578/"


def mp4(name: str = "clip.mp4"):
    return SimpleUploadedFile(name, _phone_video(), content_type="video/mp4")


def fake_mp4(name: str = "clip.mp4", size: int = 2048, tail: bytes = b""):
    """Only an ISO-BMFF header (all a content sniffer looks at), then padding or `tail`."""
    header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    body = tail or b"\x00" * size
    return SimpleUploadedFile(name, header + body, content_type="video/mp4")


def png_bomb(side: int = 8900):
    """A few hundred kilobytes of PNG that decode to side² pixels."""
    buf = io.BytesIO()
    Image.new("1", (side, side)).save(buf, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buf.getvalue(), content_type="image/png")


def fake_image(name: str = "virus.jpg"):
    """An executable pretending to be a photo by its name and declared type."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
