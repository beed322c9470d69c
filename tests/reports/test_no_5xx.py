"""Inputs that once reached the database and answered 500 are now a 400 naming the field."""

import pytest
from django.urls import reverse

from reports.models import IdempotencyKey, Report
from tests.reports.conftest import DBP

pytestmark = pytest.mark.django_db

LONG_KEY = "k" * 101


def submit_payload(**extra):
    return {
        "category": "ve-sinh-moi-truong",
        "title": "Cống thoát nước bị tắc",
        "description": "Nước tràn ra đường mỗi khi mưa.",
        "lon": DBP[0],
        "lat": DBP[1],
        **extra,
    }


@pytest.mark.parametrize("code", ["\x00", "ve-sinh\x00", "\x00ve-sinh-moi-truong"])
def test_nearby_with_a_nul_byte_in_category_is_a_400_naming_it(
    api_client, reporter, category, code
):
    api_client.force_authenticate(reporter)
    response = api_client.get(
        reverse("report-nearby"), {"category": code, "lon": DBP[0], "lat": DBP[1]}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "category"


def test_submit_with_a_nul_byte_in_category_is_a_400_naming_it(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    response = api_client.post(
        reverse("report-list"), submit_payload(category="ve-sinh\x00"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "category"
    assert not Report.objects.exists()


def test_recategorize_with_a_nul_byte_is_a_400_naming_it(api_client, ioc, report):
    api_client.force_authenticate(ioc)
    response = api_client.post(
        reverse("report-category", kwargs={"reference": report.reference}),
        {"category": "\x00", "reason": "Sai lĩnh vực"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "category"


@pytest.mark.parametrize(
    ("key", "message"), [(LONG_KEY, "100 ký tự"), ("khóa\x0bthử", "ký tự điều khiển")]
)
def test_api_idempotency_key_too_long_or_with_controls_is_a_400_naming_the_header(
    api_client, reporter, category, key, message
):
    api_client.force_authenticate(reporter)
    response = api_client.post(
        reverse("report-list"), submit_payload(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "Idempotency-Key"
    assert message in body["error"]
    assert not Report.objects.exists() and not IdempotencyKey.objects.exists()


def test_api_idempotency_key_of_exactly_100_characters_is_accepted(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    headers = {"HTTP_IDEMPOTENCY_KEY": "k" * 100}
    first = api_client.post(reverse("report-list"), submit_payload(), format="json", **headers)
    again = api_client.post(reverse("report-list"), submit_payload(), format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Report.objects.count() == 1


def test_form_idempotency_key_too_long_is_a_400_naming_the_hidden_field(client, reporter, category):
    client.force_login(reporter)
    data = {
        "category": category.code,
        "title": "Đường sụt lún",
        "description": "Hố sâu giữa đường.",
        "lon": DBP[0],
        "lat": DBP[1],
        "full_name": reporter.full_name or "Lò Văn Dân",
        "phone": reporter.phone or "0912345678",
        "idempotency_key": LONG_KEY,
    }
    response = client.post(reverse("reports-web:submit"), data)
    assert response.status_code == 400
    assert "idempotency_key" in response.context["form"].errors
    assert "100 ký tự" in response.content.decode()
    assert not Report.objects.exists()
