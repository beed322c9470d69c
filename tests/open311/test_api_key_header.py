"""The Open311 api_key may come as an X-Api-Key header, so it need not sit in a URL (and in the
access logs); a key in the query string still works and is masked in the request log."""

import pytest

from open311.models import Open311Request
from tests.open311.helpers import body_json

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


def test_post_with_the_key_in_the_header(client, post_data, issued):
    response = client.post(f"{URL}.json", post_data(api_key=None), HTTP_X_API_KEY=issued.key)
    assert response.status_code == 201, response.content
    [created] = body_json(response)
    assert Open311Request.objects.get(
        report__reference=created["service_request_id"]
    ).client_id == (issued.client.pk)


def test_a_wrong_key_in_the_header_is_refused(client, post_data):
    response = client.post(f"{URL}.json", post_data(api_key=None), HTTP_X_API_KEY="not-a-key")
    assert response.status_code == 403
    assert "api_key" in body_json(response)[0]["description"]


def test_get_with_the_key_in_the_header_uses_the_client_budget(client, issued, settings):
    settings.OPEN311_ANONYMOUS_RATE_PER_MINUTE = 1
    answers = [client.get(f"{URL}.json", HTTP_X_API_KEY=issued.key).status_code for _ in range(3)]
    assert answers == [200, 200, 200]  # the client's own (larger) limit, not the anonymous one
    assert [client.get(f"{URL}.json").status_code for _ in range(2)] == [200, 429]
