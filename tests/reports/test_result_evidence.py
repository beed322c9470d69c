"""A result carries photos of the fix (before/after): required where the category says so,
stored clean with thumbnails, and seen exactly where the result is seen."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from reports.models import Media, Report, Result
from reports.services import workflow
from tests.reports.media_samples import gps_jpeg, png

pytestmark = pytest.mark.django_db
Status = Report.Status


def _big_jpeg(name="sau.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 160, 40)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def in_progress(make_report):
    return make_report(Status.IN_PROGRESS)


@pytest.fixture
def with_evidence(in_progress, officer):
    workflow.result_submit(
        actor=officer,
        report=in_progress,
        text="Đã thu gom rác.",
        before_photos=[gps_jpeg()],
        after_photos=[_big_jpeg()],
    )
    return in_progress


def _post_result(client, officer, report, **files):
    client.force_login(officer)
    return client.post(
        reverse("report-result", args=[report.reference]),
        {"text": "Đã thu gom rác.", **files},
    )


def test_a_category_needing_photos_refuses_a_result_without_after_photo(
    client, in_progress, officer, category, media_root
):
    category.result_photos_required = True
    category.save()
    response = _post_result(client, officer, in_progress, before_photos=[gps_jpeg()])
    assert response.status_code == 400
    assert response.json()["field"] == "after_photos"
    assert "ảnh sau khi xử lý" in response.json()["error"]
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS
    assert not Result.objects.filter(report=in_progress).exists()
    assert not Media.objects.filter(report=in_progress, result__isnull=False).exists()
    assert _stored_files(media_root) == []


def test_a_file_that_is_not_an_image_is_refused_naming_its_field(
    client, in_progress, officer, media_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = _post_result(client, officer, in_progress, after_photos=[png(), bad])
    assert response.status_code == 400
    assert response.json()["field"] == "after_photos"
    assert not Result.objects.filter(report=in_progress).exists()
    assert _stored_files(media_root) == []


def test_photos_are_stored_without_exif_with_thumbnails_on_their_result(
    client, in_progress, officer, category, media_root
):
    category.result_photos_required = True
    category.save()
    response = _post_result(
        client, officer, in_progress, before_photos=[gps_jpeg()], after_photos=[_big_jpeg()]
    )
    assert response.status_code == 200, response.content
    result = Result.objects.get(report=in_progress)
    before = Media.objects.get(result=result, role=Media.Role.BEFORE)
    after = Media.objects.get(result=result, role=Media.Role.AFTER)
    assert b"SecretPhoneMaker" not in before.file.read()
    assert after.thumbnails["320"]["width"] == 320
    assert (media_root / after.thumbnails["320"]["name"]).exists()
    # Not the report's own photos: the case page lists those apart.
    assert response.json()["media"] == []


def test_a_returned_result_keeps_its_photos_and_the_next_result_shows_its_own(
    client, with_evidence, officer, ioc, reporter
):
    workflow.result_return(actor=ioc, report=with_evidence, reason="Chưa đủ ảnh")
    first = Result.objects.get(report=with_evidence)
    workflow.result_submit(
        actor=officer, report=with_evidence, text="Lần hai.", after_photos=[png("lan2.png")]
    )
    workflow.result_publish(actor=ioc, report=with_evidence)
    assert first.evidence.count() == 2
    client.force_login(reporter)
    detail = client.get(reverse("report-detail", args=[with_evidence.reference])).json()
    evidence = detail["result"]["evidence"]
    assert evidence["before"] == [] and len(evidence["after"]) == 1
    assert evidence["after"][0]["width"] == 10


def _media_status(client, user, media):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(media.file.url).status_code


def test_result_photos_are_seen_where_the_result_is(
    client, with_evidence, make_report, officer, ioc, reporter, stranger, planner
):
    after = Media.objects.get(report=with_evidence, role=Media.Role.AFTER)
    # Awaiting approval: the handling agency and the IOC only.
    seen = {u: _media_status(client, u, after) for u in (None, stranger, reporter, planner)}
    assert set(seen.values()) == {404}
    assert _media_status(client, officer, after) == 200
    assert _media_status(client, ioc, after) == 200
    workflow.result_publish(actor=ioc, report=with_evidence)
    for user in (None, stranger, reporter, planner, officer, ioc):
        assert _media_status(client, user, after) == 200


def test_a_private_results_photos_go_to_its_parties_only(
    client, make_report, officer, ioc, reporter, stranger
):
    report = make_report(Status.IN_PROGRESS, private_result=True)
    workflow.result_submit(actor=officer, report=report, text="Xong.", after_photos=[png()])
    workflow.result_publish(actor=ioc, report=report)
    after = Media.objects.get(report=report, role=Media.Role.AFTER)
    assert _media_status(client, None, after) == 404
    assert _media_status(client, stranger, after) == 404
    for user in (reporter, officer, ioc):
        assert _media_status(client, user, after) == 200


def test_the_detail_lists_evidence_where_allowed_in_a_fixed_number_of_queries(
    client, with_evidence, make_report, officer, ioc
):
    url = reverse("report-detail", args=[with_evidence.reference])
    assert client.get(url).json()["result"] is None  # not published yet
    workflow.result_publish(actor=ioc, report=with_evidence)
    plain = make_report(Status.IN_PROGRESS)
    workflow.result_submit(actor=officer, report=plain, text="Xong.")
    workflow.result_publish(actor=ioc, report=plain)

    def _queries(report):
        with CaptureQueriesContext(connection) as queries:
            data = client.get(reverse("report-detail", args=[report.reference])).json()
        return len(queries), data

    without, _ = _queries(plain)
    count, data = _queries(with_evidence)
    assert count == without
    evidence = data["result"]["evidence"]
    assert len(evidence["before"]) == 1 and len(evidence["after"]) == 1
    assert evidence["after"][0]["thumbnails"]["320"]["url"].startswith("http")


def test_the_public_map_popup_has_the_after_photo_only_once_published(client, with_evidence, ioc):
    def _after_photo():
        features = client.get(reverse("maps-public-reports")).json()["features"]
        (feature,) = [
            f for f in features if f["properties"]["reference"] == with_evidence.reference
        ]
        return feature["properties"]["after_photo"]

    assert _after_photo() is None
    workflow.result_publish(actor=ioc, report=with_evidence)
    thumb = Media.objects.get(report=with_evidence, role=Media.Role.AFTER).thumbnails["320"]
    assert _after_photo().endswith(thumb["name"])
    # The report's own first photo is not taken from the result's.
    features = client.get(reverse("maps-public-reports")).json()["features"]
    assert all(f["properties"]["photo"] is None for f in features)


def test_the_case_page_offers_labelled_photo_inputs_with_the_required_hint(
    client, in_progress, officer, category
):
    category.result_photos_required = True
    category.save()
    client.force_login(officer)
    page = client.get(reverse("reports-web:detail", args=[in_progress.reference])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="result-before">Ảnh trước khi xử lý</label>' in page
    assert 'name="after_photos"' in page and 'aria-describedby="evidence-required"' in page
    assert "Lĩnh vực này bắt buộc có ít nhất một ảnh sau khi xử lý." in page


def test_the_routing_data_marks_the_categories_a_photo_proves_and_reloads_unchanged():
    from routing_rules.models import Category
    from routing_rules.services.loading import routing_data_load

    routing_data_load()
    required = Category.objects.filter(result_photos_required=True).values_list("code", flat=True)
    assert set(required) == {
        "ve-sinh-moi-truong",
        "ha-tang-dien",
        "ha-tang-chieu-sang",
        "ha-tang-duong",
        "cap-thoat-nuoc",
    }
    assert not routing_data_load().changed
