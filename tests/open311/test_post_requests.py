"""POST requests: the same submission rules as the portal, identity kept confidential."""

import io

import pytest
from PIL import Image

from open311.models import Open311Request
from open311.services.clients import api_client_revoke
from reports.models import Report, ReporterIdentity, Transition
from tests.open311.conftest import DBP, HANOI, REPORTER
from tests.open311.helpers import body_json, body_xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


def test_post_json_files_a_report_through_report_submit(client, post_data, issued):
    response = client.post(f"{URL}.json", post_data())
    assert response.status_code == 201
    answer = body_json(response)[0]
    report = Report.objects.get(reference=answer["service_request_id"])
    assert answer["token"] == Open311Request.objects.get(report=report).token
    assert answer["account_id"] is None
    # Same join, status and event as any other submission.
    assert report.commune.code == "03127"
    assert report.district.code == "094"
    assert report.status == Report.Status.SUBMITTED
    assert report.verify_due_at is not None
    assert report.transitions.get().action == Transition.Action.SUBMIT
    assert report.title == "Rác thải tồn đọng nhiều ngày cạnh đường, bốc mùi."
    identity = ReporterIdentity.objects.get(report=report)
    assert identity.full_name == "Lò Thị Bí Mật"
    assert identity.phone == REPORTER["phone"]
    assert identity.email == REPORTER["email"]
    assert identity.user == issued.client.service_user
    # ...and none of it comes back.
    for secret in ("Bí Mật", REPORTER["phone"], REPORTER["email"]):
        assert secret not in response.content.decode()


def test_post_xml_answers_in_xml(client, post_data):
    response = client.post(f"{URL}.xml", post_data())
    assert response.status_code == 201
    root = body_xml(response)
    assert root.tag == "service_requests"
    reference = root.findtext("request/service_request_id")
    assert Report.objects.filter(reference=reference).exists()
    assert root.findtext("request/token")


def test_attributes_set_title_urgency_privacy_and_incident_time(client, post_data):
    response = client.post(
        f"{URL}.json",
        post_data(
            **{
                "attribute[title]": "Cháy bãi rác",
                "attribute[urgent]": "true",
                "attribute[private_result]": "true",
                "attribute[incident_at]": "2025-10-01T08:30:00+07:00",
            }
        ),
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.title == "Cháy bãi rác"
    assert report.urgent and report.private_result
    assert report.incident_at.isoformat() == "2025-10-01T01:30:00+00:00"


def test_address_string_resolves_the_commune(client, post_data):
    response = client.post(
        f"{URL}.json",
        post_data(lat=None, long=None, address_string="Phường Mường Thanh, tỉnh Điện Biên"),
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.commune.code == "03334"
    assert report.location_source == Report.LocationSource.ADDRESS


def test_uploaded_photo_is_cleaned_like_any_other(client, post_data):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "anh.png"
    response = client.post(f"{URL}.json", {**post_data(), "media": buffer})
    assert response.status_code == 201
    media = Report.objects.get().media.get()
    assert media.content_type == "image/jpeg"
    assert (media.width, media.height) == (40, 30)


def test_media_url_is_kept_for_staff_not_fetched(client, post_data):
    response = client.post(f"{URL}.json", post_data(media_url="https://example.test/a.jpg"))
    assert response.status_code == 201
    assert Open311Request.objects.get().media_url == "https://example.test/a.jpg"
    assert not Report.objects.get().media.exists()


def test_idempotency_key_replays_without_a_second_report(client, post_data):
    first = client.post(f"{URL}.json", post_data(), HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{URL}.json", post_data(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert body_json(first) == body_json(again)
    assert Report.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_api_key_is_403(client, post_data, fmt):
    response = client.post(f"{URL}.{fmt}", post_data(api_key=None))
    assert response.status_code == 403
    if fmt == "json":
        assert body_json(response) == [
            {
                "code": 403,
                "description": "Thiếu api_key: cần khóa do Trung tâm IOC cấp để gửi phản ánh.",
            }
        ]
    else:
        assert body_xml(response).findtext("error/code") == "403"
    assert not Report.objects.exists()


def test_wrong_key_is_403(client, post_data):
    response = client.post(f"{URL}.json", post_data(api_key="not-a-key"))
    assert response.status_code == 403
    assert body_json(response)[0]["description"] == "api_key không hợp lệ."


def test_revoked_key_is_403(client, post_data, issued):
    api_client_revoke(client=issued.client)
    response = client.post(f"{URL}.json", post_data())
    assert response.status_code == 403
    assert "thu hồi" in body_json(response)[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_code": None}, "service_code"),
        ({"service_code": "khong-co"}, "service_code"),
        ({"description": "  "}, "description"),
        ({"lat": None, "long": None}, "lat"),
        ({"long": None}, "long"),
        ({"lat": "north"}, "lat"),
        ({"lat": "95"}, "lat"),
        ({"lat": str(HANOI[1]), "long": str(HANOI[0])}, "location"),
        ({"first_name": None, "last_name": None}, "first_name"),
        ({"phone": None}, "phone"),
        ({"phone": "abc"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "ftp://x"}, "media_url"),
        ({"attribute[urgent]": "maybe"}, "attribute[urgent]"),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
        ({"attribute[incident_at]": "yesterday"}, "attribute[incident_at]"),
        ({"lat": None, "long": None, "address_string": "Phường Tràng Tiền, Hà Nội"}, "address"),
    ],
)
def test_invalid_post_is_400_naming_the_field_and_writes_nothing(
    client, post_data, overrides, field
):
    response = client.post(f"{URL}.json", post_data(**overrides))
    assert response.status_code == 400, response.content
    [error] = body_json(response)
    assert error["code"] == 400
    assert error["description"].startswith(f"{field}: ")
    assert not Report.objects.exists()
    assert not Open311Request.objects.exists()


def test_future_incident_time_is_refused_by_the_shared_service(client, post_data):
    response = client.post(f"{URL}.json", post_data(**{"attribute[incident_at]": "2999-01-01"}))
    assert response.status_code == 400
    assert body_json(response)[0]["description"].startswith("incident_at: ")


def test_post_error_in_xml(client, post_data):
    response = client.post(f"{URL}.xml", post_data(service_code="khong-co"))
    assert response.status_code == 400
    root = body_xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "400"
    assert "khong-co" in root.findtext("error/description")


def test_post_uses_the_commune_point_for_lat_long(client, post_data):
    client.post(f"{URL}.json", post_data())
    point = Report.objects.get().point
    assert (round(point.x, 4), round(point.y, 4)) == DBP
