"""One front door: the API, the web form and Open311 refuse the same bad input with a 400
that names the field, and store nothing; the web form shows the message on the form."""

import uuid

import pytest
from django.urls import reverse

from open311.services.clients import api_client_issue
from reports.models import Report
from tests.reports.conftest import DBP

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "Cống thoát nước bị tắc",
    "description": "Nước tràn ra đường mỗi khi mưa.",
    "lon": DBP[0],
    "lat": DBP[1],
    "full_name": "Lò Văn Thử",
    "phone": "0912345678",
}
# (what is wrong, the fields changed, the field the API/web names, the field Open311 names)
BAD = [
    ("NUL in the description", {"description": "Rác\x00thải"}, "description", "description"),
    ("control char in the title", {"title": "Đèn\x07hỏng"}, "title", None),
    ("description too long", {"description": "x" * 5001}, "description", "description"),
    ("phone with letters", {"phone": "09abc12345"}, "phone", "phone"),
    ("latitude not finite", {"lat": "nan"}, "lat", "lat"),
    ("longitude out of range", {"lon": 181}, "lon", "long"),
    ("name too long", {"full_name": "A" * 201}, "full_name", "first_name"),
]


@pytest.fixture(autouse=True)
def isolated_rate_limits(settings):
    settings.OPEN311_RATE_LIMIT_PREFIX = f"test-inputs:{uuid.uuid4().hex}"


@pytest.mark.parametrize(("case", "change", "field", "_"), BAD, ids=[b[0] for b in BAD])
def test_the_api_names_the_field(api_client, reporter, category, case, change, field, _):
    api_client.force_authenticate(reporter)
    payload = {**GOOD, "category": category.code, **change}
    response = api_client.post(reverse("report-list"), payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Report.objects.exists()


@pytest.mark.parametrize(("case", "change", "field", "_"), BAD, ids=[b[0] for b in BAD])
def test_the_web_form_shows_the_error_and_stores_nothing(
    client, reporter, category, case, change, field, _
):
    client.force_login(reporter)
    data = {**GOOD, "category": category.code, "idempotency_key": uuid.uuid4().hex, **change}
    response = client.post(reverse("reports-web:submit"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors, case
    assert field in form.errors or "__all__" in form.errors
    assert not Report.objects.exists()


OPEN311_BAD = [b for b in BAD if b[3]]


@pytest.mark.parametrize(
    ("case", "change", "_", "field"), OPEN311_BAD, ids=[b[0] for b in OPEN311_BAD]
)
def test_open311_names_the_field_in_its_own_terms(client, category, case, change, _, field):
    issued = api_client_issue(name="Ứng dụng thử")
    names = {"lon": "long", "full_name": "first_name"}
    data = {
        "api_key": issued.key,
        "service_code": category.code,
        "lat": str(DBP[1]),
        "long": str(DBP[0]),
        "description": GOOD["description"],
        "first_name": "Thử",
        "last_name": "Lò Văn",
        "phone": GOOD["phone"],
    }
    for key, value in change.items():
        if key == "full_name":
            data["first_name"], data["last_name"] = value, ""
        else:
            data[names.get(key, key)] = str(value)
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["description"].startswith(f"{field}:"), error
    assert not Report.objects.exists()
