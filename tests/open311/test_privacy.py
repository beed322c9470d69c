"""Public answers never carry the reporter's identity, hidden reports or private results."""

import pytest

from reports.models import Report
from tests.open311.conftest import REPORTER
from tests.open311.helpers import RESULT_TEXT, body_json, hide, publish

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"
SECRETS = ("Bí Mật", REPORTER["phone"], REPORTER["email"])


@pytest.fixture
def filed(client, post_data):
    def _file(**overrides):
        response = client.post(f"{URL}.json", post_data(**overrides))
        assert response.status_code == 201
        return Report.objects.get(reference=body_json(response)[0]["service_request_id"])

    return _file


def _every_answer(client, report, key):
    for fmt in ("json", "xml"):
        for params in ({}, {"api_key": key}, {"extensions": "true", "api_key": key}):
            yield client.get(f"{URL}.{fmt}", params)
            yield client.get(f"{URL}/{report.reference}.{fmt}", params)
        yield client.get(f"/open311/v2/tokens/{report.open311.token}.{fmt}")


def test_no_answer_contains_the_identity(client, filed, issued, ioc, officer, ubnd_dbp):
    report = publish(filed(), ioc=ioc, officer=officer, agency=ubnd_dbp)
    for response in _every_answer(client, report, issued.key):
        assert response.status_code == 200
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text


def test_hidden_report_is_never_served_even_to_its_client(
    client, filed, issued, ioc, officer, ubnd_dbp
):
    report = hide(publish(filed(), ioc=ioc, officer=officer, agency=ubnd_dbp), ioc=ioc)
    for params in ({}, {"api_key": issued.key}):
        assert body_json(client.get(f"{URL}.json", params)) == []
        assert client.get(f"{URL}/{report.reference}.json", params).status_code == 404
    assert client.get(f"/open311/v2/tokens/{report.open311.token}.json").status_code == 404


def test_private_result_is_not_published(client, filed, ioc, officer, ubnd_dbp):
    report = publish(
        filed(**{"attribute[private_result]": "true"}), ioc=ioc, officer=officer, agency=ubnd_dbp
    )
    item = body_json(client.get(f"{URL}/{report.reference}.json"))[0]
    assert item["status"] == "closed"
    assert RESULT_TEXT not in item["status_notes"]
    assert "gửi riêng" in item["status_notes"]
