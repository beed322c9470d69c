"""Tiny media files built in memory for upload tests."""

import io

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


def mp4(name: str = "clip.mp4", size: int = 2048):
    # An ISO-BMFF header is all the content sniffer needs.
    header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return SimpleUploadedFile(name, header + b"\x00" * size, content_type="video/mp4")


def fake_image(name: str = "virus.jpg"):
    """An executable pretending to be a photo by its name and declared type."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
