"""Filing a report: location, media cleaning, atomicity, idempotency, duplicates."""

import json
import subprocess
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from reports.errors import ReportInvalid, ReportLocationInvalid, ReportNotFound
from reports.models import IdempotencyKey, Media, Report
from reports.selectors import report_duplicates_nearby
from reports.services import citizen, submission, workflow
from reports.services.media import image_gps
from tests.reports.conftest import DBP, MUONG_THANH
from tests.reports.factories import CategoryFactory
from tests.reports.media_samples import (
    PHONE_VIDEO_LOCATION,
    fake_image,
    fake_mp4,
    gps_jpeg,
    mp4,
    png,
    png_bomb,
)

pytestmark = pytest.mark.django_db

HANOI = (105.8342, 21.0278)


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def test_point_outside_province_is_refused_with_clear_message(submit):
    with pytest.raises(ReportLocationInvalid) as exc:
        submit(point=HANOI)
    assert exc.value.field == "location"
    assert "ngoài địa bàn" in exc.value.message
    assert not Report.objects.exists()


def test_stored_photo_has_no_exif_and_gps_was_readable_first(submit, media_root):
    upload = gps_jpeg()
    lon, lat = image_gps(upload.read())
    assert (round(lon, 4), round(lat, 4)) == DBP
    report = submit(files=[gps_jpeg()], location_source="exif")
    media = report.media.get()
    path = Path(media_root) / media.file.name
    data = path.read_bytes()
    assert b"SecretPhoneMaker" not in data and b"Exif" not in data
    assert not Image.open(path).getexif()
    assert image_gps(data) is None
    # Server-generated name: nothing of the citizen's file name survives.
    assert "IMG_0001" not in media.file.name and media.file.name.endswith(".jpg")
    assert (media.kind, media.content_type) == ("image", "image/jpeg")


def test_video_and_png_accepted(submit):
    report = submit(files=[png(), mp4()])
    assert sorted(report.media.values_list("kind", flat=True)) == ["image", "video"]
    assert report.media.get(kind="video").file.name.endswith(".mp4")


def test_video_keeps_its_streams_and_loses_every_tag(submit, media_root):
    """GPS position, creation time and device model never reach the stored file."""
    report = submit(files=[mp4()])
    path = media_root / report.media.get().file.name
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
            capture_output=True,
            check=True,
        ).stdout
    )
    assert [s["codec_type"] for s in probe["streams"]] == ["video", "audio"]
    tags = [probe["format"].get("tags", {}), *(s.get("tags", {}) for s in probe["streams"])]
    for group in tags:
        assert not {"location", "location-eng", "creation_time", "make", "model"} & set(group)
    data = path.read_bytes()
    for secret in (b"SecretPhoneMaker", b"Model X", PHONE_VIDEO_LOCATION.encode()):
        assert secret not in data


def test_decompression_bomb_refused_from_its_header(submit):
    """An 8,900 × 8,900 PNG of a few hundred KB is refused before a pixel is decoded."""
    bomb = png_bomb()
    assert bomb.size < 400_000
    started = time.perf_counter()
    with pytest.raises(ReportInvalid) as exc:
        submit(files=[bomb])
    assert time.perf_counter() - started < 1.0
    assert exc.value.field == "media" and "8900 × 8900" in exc.value.message


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([fake_image()], "không phải ảnh"),
        ([png(), fake_image()], "Tệp thứ 2"),
        ([png() for _ in range(7)], "Tối đa 6"),
        ([fake_mp4(size=3000)], "quá lớn"),
        ([fake_mp4(tail=b"<html><script>alert(1)</script></html>")], "không đúng định dạng"),
        ([png_bomb()], "quá nhiều điểm ảnh"),
    ],
)
def test_rejected_upload_leaves_nothing_behind(submit, media_root, settings, files, message):
    settings.REPORTS_MEDIA_MAX_VIDEO_BYTES = 2500
    with pytest.raises(ReportInvalid) as exc:
        submit(files=files)
    assert exc.value.field == "media" and message in exc.value.message
    assert not Report.objects.exists() and not Media.objects.exists()
    assert stored_files(media_root) == []


def test_failure_after_files_stored_removes_them(submit, media_root, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(submission, "transition_record", boom)
    with pytest.raises(RuntimeError):
        submit(files=[png(), mp4()])
    assert not Report.objects.exists()
    assert stored_files(media_root) == []


def test_identity_required(submit, reporter):
    reporter.full_name = ""
    reporter.save()
    with pytest.raises(ReportInvalid) as exc:
        submit()
    assert exc.value.field == "full_name"
    with pytest.raises(ReportInvalid) as exc:
        submit(full_name="A", phone=" ", user=type(reporter).objects.create(username="x"))
    assert exc.value.field == "phone"


def test_future_incident_time_refused(submit):
    with pytest.raises(ReportInvalid) as exc:
        submit(incident_at=timezone.now() + timedelta(days=1))
    assert exc.value.field == "incident_at"


def test_incident_time_with_an_offset_no_zone_has_is_stored_in_the_portals_zone(submit):
    # Python accepts a +21:05 offset, PostgreSQL does not: the same moment, in Hà Nội's zone.
    odd = datetime(2025, 3, 1, 8, 0, tzinfo=dt_timezone(timedelta(hours=21, minutes=5)))
    report = submit(incident_at=odd)
    report.refresh_from_db()
    assert report.incident_at == odd


def test_idempotent_retry_returns_first_report(submit, reporter, category):
    first = submission.report_submit(
        user=reporter,
        category=category,
        title="Đèn đường hỏng",
        description="Tối om",
        lon=DBP[0],
        lat=DBP[1],
        idempotency_key="abc-123",
    )
    again = submission.report_submit(
        user=reporter,
        category=category,
        title="Đèn đường hỏng",
        description="Tối om",
        lon=DBP[0],
        lat=DBP[1],
        idempotency_key="abc-123",
    )
    assert first.created and not again.created
    assert again.report.pk == first.report.pk
    assert Report.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    with pytest.raises(ReportInvalid) as exc:
        submission.report_submit(
            user=reporter,
            category=category,
            title="Khác hẳn",
            description="Tối om",
            lon=DBP[0],
            lat=DBP[1],
            idempotency_key="abc-123",
        )
    assert exc.value.field == "Idempotency-Key"


def test_duplicates_nearby_same_category_open_recent(
    submit, category, reporter, stranger, ioc, ubnd_dbp
):
    """Suggested duplicates: same category, open, recent, within the radius, and only what
    the asking citizen may see (public ones, or their own unverified ones)."""
    near = submit()
    # ~55 m east of the first report.
    close_point = (DBP[0] + 0.00053, DBP[1])
    submit(point=MUONG_THANH)  # kilometres away
    other = CategoryFactory(code="giao-thong")
    submit(category=other)
    old = submit()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    def nearby(user):
        return list(
            report_duplicates_nearby(
                user=user, category_id=category.pk, lon=close_point[0], lat=close_point[1]
            )
        )

    found = nearby(reporter)
    assert found == [near]
    assert 40 < found[0].distance_m < 70
    assert nearby(stranger) == []  # another citizen's unverified report is never offered
    with pytest.raises(ReportNotFound):
        citizen.report_follow(user=stranger, report=near)

    workflow.report_assign(actor=ioc, report=near, agency=ubnd_dbp)
    assert nearby(stranger) == [near]
    follow = citizen.report_follow(user=stranger, report=near)
    assert follow.report == near
    assert near in Report.objects.filter(follows__user=stranger)


def test_duplicate_radius_is_100_metres(submit, category, reporter):
    submit()
    # ~130 m north: outside the radius.
    assert not report_duplicates_nearby(
        user=reporter, category_id=category.pk, lon=DBP[0], lat=DBP[1] + 0.00117
    )
