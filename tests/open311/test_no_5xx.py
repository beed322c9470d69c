"""GeoReport input that once reached the database and answered 500 is a 400 naming it."""

import pytest

from reports.models import Report
from tests.open311.helpers import body_json, body_xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("param", ["service_code", "service_request_id", "status", "api_key"])
def test_nul_byte_in_a_query_parameter_is_a_400_naming_it(client, category, fmt, param):
    response = client.get(f"{URL}.{fmt}", {param: "ve-sinh\x00"})
    assert response.status_code == 400
    description = (
        body_json(response)[0]["description"]
        if fmt == "json"
        else body_xml(response).findtext("error/description")
    )
    assert description.startswith(f"{param}:")


@pytest.mark.parametrize("field", ["service_code", "description", "first_name", "address_string"])
def test_nul_byte_in_a_posted_field_is_a_400_naming_it(client, post_data, field):
    response = client.post(f"{URL}.json", post_data(**{field: "Rác\x00thải"}))
    assert response.status_code == 400
    assert body_json(response)[0]["description"].startswith(f"{field}:")
    assert not Report.objects.exists()


def test_nul_byte_in_an_attribute_name_is_a_400(client, post_data):
    response = client.post(f"{URL}.json", {**post_data(), "attribute[ti\x00tle]": "x"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_idempotency_key_over_100_characters_is_a_400_naming_the_header(client, post_data):
    response = client.post(f"{URL}.json", post_data(), HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert body_json(response)[0]["description"].startswith("Idempotency-Key:")
    assert not Report.objects.exists()


def test_nul_byte_in_service_and_token_paths_is_not_routed(client, category):
    assert client.get("/open311/v2/services/ve-sinh%00.json").status_code == 404
    assert client.get("/open311/v2/tokens/abc%00.json").status_code == 404
