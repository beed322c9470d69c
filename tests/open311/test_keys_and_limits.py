"""API keys: issued in the admin, hashed at rest, revocable, rotated; rate limits in Redis."""

import hashlib

import pytest
import redis
from django.conf import settings as django_settings

from open311.models import ApiClient
from open311.ratelimit import rate_limit_hit
from open311.services.clients import (
    ApiKeyInvalid,
    api_client_authenticate,
    api_client_revoke,
    api_client_rotate,
)
from reports.models import Role
from tests.open311.helpers import body_json, body_xml
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_digest(issued):
    client = ApiClient.objects.get(pk=issued.client.pk)
    assert len(issued.key) >= 40
    assert issued.key not in {client.key_hash, client.key_prefix, client.notes}
    assert client.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key.startswith(client.key_prefix)
    # The client's service account cannot log in.
    assert not client.service_user.has_usable_password()
    assert client.service_user.role == Role.CITIZEN


def test_authenticate_revoke_and_rotate(issued):
    assert api_client_authenticate(key=issued.key) == issued.client
    assert ApiClient.objects.get(pk=issued.client.pk).last_used_at is not None
    api_client_revoke(client=issued.client)
    with pytest.raises(ApiKeyInvalid):
        api_client_authenticate(key=issued.key)
    rotated = api_client_rotate(client=issued.client)
    assert rotated.key != issued.key
    assert api_client_authenticate(key=rotated.key).pk == issued.client.pk
    with pytest.raises(ApiKeyInvalid):
        api_client_authenticate(key=issued.key)


def test_admin_issues_a_key_shown_once(client):
    admin = UserFactory(username="quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/open311/apiclient/add/",
        {"name": "Hue-S kết nối", "contact": "kt@example.test", "rate_limit_per_minute": 30},
        follow=True,
    )
    assert response.status_code == 200
    created = ApiClient.objects.get(name="Hue-S kết nối")
    assert created.rate_limit_per_minute == 30
    [message] = [str(m) for m in response.context["messages"] if "<code>" in str(m)]
    key = message.split("<code>")[1].split("</code>")[0]
    assert api_client_authenticate(key=key) == created
    page = client.get(f"/admin/open311/apiclient/{created.pk}/change/").content.decode()
    assert key not in page


def test_admin_revoke_action(client, issued):
    admin = UserFactory(username="quantri2", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.post(
        "/admin/open311/apiclient/",
        {"action": "revoke", "_selected_action": [issued.client.pk]},
    )
    with pytest.raises(ApiKeyInvalid):
        api_client_authenticate(key=issued.key)


def test_rate_limit_counts_in_redis_per_window(settings):
    decisions = [rate_limit_hit(identity="unit", limit=2, now=1_000_000.0) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[0].remaining == 1
    assert 1 <= decisions[2].retry_after <= 61
    # The counter really lives in Redis, with an expiry.
    store = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    key = f"{settings.OPEN311_RATE_LIMIT_PREFIX}:unit:{1_000_000 // 60}"
    assert int(store.get(key)) == 3
    assert 0 < store.ttl(key) <= 120
    # The next window starts again.
    assert rate_limit_hit(identity="unit", limit=2, now=1_000_060.0).allowed


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_over_its_budget_gets_429(client, issued, category, fmt):
    ApiClient.objects.filter(pk=issued.client.pk).update(rate_limit_per_minute=2)
    url = f"/open311/v2/services.{fmt}"
    codes = [client.get(url, {"api_key": issued.key}).status_code for _ in range(2)]
    assert codes == [200, 200]
    response = client.get(url, {"api_key": issued.key})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    if fmt == "json":
        assert body_json(response)[0]["code"] == 429
    else:
        assert body_xml(response).findtext("error/code") == "429"
    # Another client, and anonymous readers, have their own budgets.
    assert client.get(url).status_code == 200


def test_anonymous_readers_are_limited_per_address(client, category, settings):
    settings.OPEN311_ANONYMOUS_RATE_PER_MINUTE = 1
    assert client.get("/open311/v2/services.json").status_code == 200
    assert client.get("/open311/v2/services.json").status_code == 429
    other = client.get("/open311/v2/services.json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_bad_key_on_a_read_is_403(client, category):
    response = client.get("/open311/v2/requests.json", {"api_key": "wrong"})
    assert response.status_code == 403


def test_revoked_key_on_a_read_is_403(client, issued, category):
    api_client_revoke(client=issued.client)
    response = client.get("/open311/v2/requests.xml", {"api_key": issued.key})
    assert response.status_code == 403
    assert body_xml(response).findtext("error/code") == "403"


def test_wrong_keys_spend_the_address_budget(client, category, settings):
    settings.OPEN311_ANONYMOUS_RATE_PER_MINUTE = 2
    codes = [
        client.get("/open311/v2/requests.json", {"api_key": f"guess-{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [403, 403, 429]
