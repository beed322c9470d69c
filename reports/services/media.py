"""Upload checks: type from content, size, pixel and count limits, images re-encoded without
EXIF, videos remuxed without metadata. Pillow (~3 MiB) is imported by the functions that
open an image: a web worker that never receives a photo never loads it."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext

from reports.errors import ReportInvalid
from reports.services.video import video_clean

if TYPE_CHECKING:
    from PIL import Image

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
VIDEO_TYPES = {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov"}
GPS_IFD = 0x8825


THUMBNAIL_SIDES = (320, 1280)


@dataclass(frozen=True)
class Thumbnail:
    side: int
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PreparedMedia:
    kind: str
    content: bytes
    extension: str
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnails: tuple[Thumbnail, ...] = ()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _thumbnails(image: Image.Image) -> tuple[Thumbnail, ...]:
    """Made once at upload; a side the photo does not exceed is served by the photo itself."""
    thumbs = []
    for side in THUMBNAIL_SIDES:
        if max(image.size) <= side:
            continue
        copy = image.copy()
        copy.thumbnail((side, side))
        thumbs.append(Thumbnail(side, _jpeg(copy, 80), copy.width, copy.height))
    return tuple(thumbs)


def _read(upload, limit: int, index: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ReportInvalid(
            gettext("Tệp thứ %(index)s quá lớn (%(size)s MB; tối đa %(max)s MB).")
            % {"index": index, "size": f"{size / 2**20:.1f}", "max": f"{limit / 2**20:.0f}"},
            field="media",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ReportInvalid(
            gettext("Tệp thứ %(index)s quá lớn (tối đa %(max)s MB).")
            % {"index": index, "max": f"{limit / 2**20:.0f}"},
            field="media",
        )
    return data


def _open_image(data: bytes, index: int) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    budget = settings.REPORTS_MEDIA_MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = budget
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its limit; the budget below is the real check.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        # The header gives the size before any pixel is decoded: a small file that would
        # decode to hundreds of megabytes is refused here, not after.
        width, height = image.size
        if width * height > budget:
            raise ReportInvalid(
                gettext(
                    "Ảnh thứ %(index)s quá nhiều điểm ảnh (%(width)s × %(height)s; "
                    "tối đa %(max)s triệu)."
                )
                % {"index": index, "width": width, "height": height, "max": f"{budget / 1e6:.0f}"},
                field="media",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ReportInvalid(
            gettext("Ảnh thứ %(index)s bị hỏng hoặc quá lớn.") % {"index": index}, field="media"
        ) from exc
    return image


def image_reencode(data: bytes, index: int = 1) -> PreparedMedia:
    """Pixels only: orientation applied, then a fresh image is saved with no metadata at all."""
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(_open_image(data, index))
    image = image.convert("RGB")
    side = settings.REPORTS_MEDIA_IMAGE_MAX_SIDE
    if max(image.size) > side:
        image.thumbnail((side, side))
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    return PreparedMedia(
        kind="image",
        content=_jpeg(clean, 85),
        extension="jpg",
        content_type="image/jpeg",
        width=clean.width,
        height=clean.height,
        thumbnails=_thumbnails(clean),
    )


def _dms_to_degrees(values, ref: str) -> float:
    degrees, minutes, seconds = (float(v) for v in values)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if ref in ("S", "W") else value


def image_gps(data: bytes) -> tuple[float, float] | None:
    """(lon, lat) from a photo's EXIF GPS block, read before the metadata is thrown away."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        gps = image.getexif().get_ifd(GPS_IFD)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    try:
        lat = _dms_to_degrees(gps[2], gps.get(1, "N"))
        lon = _dms_to_degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lon, lat


def media_prepare(files: list) -> list[PreparedMedia]:
    """Validate and clean every upload in memory; nothing touches storage here."""
    if len(files) > settings.REPORTS_MEDIA_MAX_FILES:
        raise ReportInvalid(
            gettext("Tối đa %(max)s tệp ảnh/video.") % {"max": settings.REPORTS_MEDIA_MAX_FILES},
            field="media",
        )
    prepared = []
    limit = max(settings.REPORTS_MEDIA_MAX_IMAGE_BYTES, settings.REPORTS_MEDIA_MAX_VIDEO_BYTES)
    for index, upload in enumerate(files, start=1):
        data = _read(upload, limit, index)
        kind = filetype.guess(data[:8192])
        mime = kind.mime if kind else None
        if mime in IMAGE_TYPES:
            if len(data) > settings.REPORTS_MEDIA_MAX_IMAGE_BYTES:
                limit_mb = settings.REPORTS_MEDIA_MAX_IMAGE_BYTES / 2**20
                raise ReportInvalid(
                    gettext("Ảnh thứ %(index)s quá lớn (tối đa %(max)s MB).")
                    % {"index": index, "max": f"{limit_mb:.0f}"},
                    field="media",
                )
            prepared.append(image_reencode(data, index))
        elif mime in VIDEO_TYPES:
            if len(data) > settings.REPORTS_MEDIA_MAX_VIDEO_BYTES:
                limit_mb = settings.REPORTS_MEDIA_MAX_VIDEO_BYTES / 2**20
                raise ReportInvalid(
                    gettext("Video thứ %(index)s quá lớn (tối đa %(max)s MB).")
                    % {"index": index, "max": f"{limit_mb:.0f}"},
                    field="media",
                )
            extension = VIDEO_TYPES[mime]
            prepared.append(
                PreparedMedia(
                    kind="video",
                    content=video_clean(data, extension=extension, index=index),
                    extension=extension,
                    content_type=mime,
                )
            )
        else:
            raise ReportInvalid(
                gettext(
                    "Tệp thứ %(index)s không phải ảnh (JPEG, PNG, WebP) hay video (MP4, WebM, MOV)."
                )
                % {"index": index},
                field="media",
            )
    return prepared


def media_store(item: PreparedMedia) -> str:
    """Save under a server-generated name; returns the storage name."""
    now = timezone.now()
    name = f"reports/{now:%Y/%m}/{uuid.uuid4().hex}.{item.extension}"
    return default_storage.save(name, ContentFile(item.content))


def media_store_thumbnails(item: PreparedMedia, name: str) -> dict:
    """Save the item's thumbnails beside `name`; returns what Media.thumbnails records."""
    base = name.rsplit(".", 1)[0]
    recorded = {}
    for thumb in item.thumbnails:
        saved = default_storage.save(f"{base}.{thumb.side}.jpg", ContentFile(thumb.content))
        recorded[str(thumb.side)] = {"name": saved, "width": thumb.width, "height": thumb.height}
    return recorded


def media_discard(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
