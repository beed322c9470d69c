"""Photos are served only to those the policy lets see the report, and stop at once when it
is hidden; behind nginx the view hands the bytes over with X-Accel-Redirect."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from reports.models import Media
from reports.services import moderation, workflow
from tests.reports.media_samples import gps_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_report(submit):
    report = submit(files=[gps_jpeg()])
    return report, Media.objects.get(report=report)


def _get(client, user, media):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(media.file.url)


def test_the_api_and_page_link_the_served_url(client, reporter, photo_report):
    report, media = photo_report
    client.force_login(reporter)
    detail = client.get(reverse("report-detail", args=[report.reference])).json()
    assert detail["media"][0]["url"].endswith(media.file.url)
    response = client.get(media.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-cache"
    body = b"".join(response.streaming_content)
    assert body[:2] == b"\xff\xd8" and b"SecretPhoneMaker" not in body


def test_media_follow_the_report_visibility(
    client, photo_report, reporter, stranger, officer, ioc, ubnd_dbp
):
    report, media = photo_report
    # Unverified: the reporter and the IOC only.
    assert _get(client, None, media).status_code == 404
    assert _get(client, stranger, media).status_code == 404
    assert _get(client, reporter, media).status_code == 200
    assert _get(client, ioc, media).status_code == 200
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    # Public once verified and assigned.
    assert _get(client, None, media).status_code == 200
    assert _get(client, stranger, media).status_code == 200
    moderation.report_hide(actor=ioc, report=report, reason="Ảnh không phù hợp")
    # Hidden: gone for the public at once; the handler, the IOC and the reporter keep it.
    assert _get(client, None, media).status_code == 404
    assert _get(client, stranger, media).status_code == 404
    for user in (officer, ioc, reporter):
        assert _get(client, user, media).status_code == 200


def test_unknown_names_and_traversal_are_404(client, ioc):
    client.force_login(ioc)
    for name in ("reports/2026/01/nope.jpg", "../gis_portal/settings/base.py", "%2e%2e/x"):
        assert client.get("/media/" + name).status_code == 404, name


def test_behind_nginx_the_view_answers_with_x_accel_redirect(
    client, settings, photo_report, reporter
):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    report, media = photo_report
    response = _get(client, reporter, media)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + media.file.name
    assert response.content == b""


def _big_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (2000, 1500), (10, 120, 40)).save(buf, format="JPEG")
    return SimpleUploadedFile("big.jpg", buf.getvalue(), content_type="image/jpeg")


def test_thumbnails_are_made_once_sized_and_served_under_the_same_policy(
    client, submit, reporter, stranger, media_root
):
    report = submit(files=[_big_photo()])
    media = Media.objects.get(report=report)
    assert {side: (t["width"], t["height"]) for side, t in media.thumbnails.items()} == {
        "320": (320, 240),
        "1280": (1280, 960),
    }
    client.force_login(reporter)
    detail = client.get(reverse("report-detail", args=[report.reference])).json()
    small = detail["media"][0]["thumbnails"]["320"]
    assert (small["width"], small["height"]) == (320, 240)
    response = client.get(small["url"])
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (320, 240)
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert 'width="1280" height="960"' in page
    client.force_login(stranger)  # unverified: not theirs to see, thumbnails included
    assert client.get(small["url"]).status_code == 404
    forged = media.file.name.removesuffix(".jpg") + ".999.jpg"
    client.force_login(reporter)
    assert client.get("/media/" + forged).status_code == 404
