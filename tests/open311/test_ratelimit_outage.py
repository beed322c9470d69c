"""Open311's own rate limit with its Redis down: anonymous clients are refused with a 503 and
Retry-After in the GeoReport error shape (fail closed, as the portal's throttles), while keyed
clients and signed-in staff are served; the address budget counts the proxied client address.
A real redis-server process of the test's own is stopped and started."""

import pytest

from gis_portal.throttles import UNAVAILABLE_RETRY_SECONDS
from tests.open311.helpers import body_json, body_xml
from tests.processes import RedisProcess
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

SERVICES = "/open311/v2/services.json"


@pytest.fixture
def counters(tmp_path, settings):
    """Open311's counters in a redis-server of the test's own."""
    redis = RedisProcess(tmp_path)
    redis.start()
    settings.OPEN311_REDIS_URL = redis.url
    try:
        yield redis
    finally:
        redis.stop_if_running()


def assert_unavailable(response, fmt: str = "json") -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == str(UNAVAILABLE_RETRY_SECONDS)
    if fmt == "json":
        [error] = body_json(response)
        assert error["code"] == 503
        assert error["description"].startswith("Hệ thống tạm thời không kiểm soát được lưu lượng")
    else:
        assert body_xml(response).findtext("error/code") == "503"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_anonymous_clients_get_503_while_the_counters_are_down_then_served_again(
    client, category, counters, fmt
):
    url = f"/open311/v2/services.{fmt}"
    assert client.get(url).status_code == 200
    counters.stop()
    assert_unavailable(client.get(url), fmt)
    assert_unavailable(client.get("/open311/v2/requests.json"))
    counters.start()
    assert client.get(url).status_code == 200


def test_a_wrong_key_is_refused_like_an_anonymous_client_while_the_counters_are_down(
    client, category, counters
):
    counters.stop()
    assert_unavailable(client.get(SERVICES, HTTP_X_API_KEY="khong-phai-khoa"))


def test_keyed_clients_stay_served_and_may_file_while_the_counters_are_down(
    client, category, issued, post_data, counters
):
    counters.stop()
    assert client.get(SERVICES, HTTP_X_API_KEY=issued.key).status_code == 200
    created = client.post("/open311/v2/requests.json", post_data())
    assert created.status_code == 201, created.content
    assert body_json(created)[0]["service_request_id"].startswith("PA-")


def test_signed_in_staff_stay_served_but_citizens_do_not_while_the_counters_are_down(
    client, category, ioc, counters
):
    counters.stop()
    client.force_login(ioc)
    assert client.get(SERVICES).status_code == 200
    client.force_login(UserFactory(username="dan311"))
    assert_unavailable(client.get(SERVICES))


def test_the_address_budget_counts_the_client_behind_the_trusted_proxy(client, category, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.OPEN311_ANONYMOUS_RATE_PER_MINUTE = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", **proxy}
    assert client.get(SERVICES, **first).status_code == 200
    assert client.get(SERVICES, **first).status_code == 429
    # Another citizen behind the same proxy has a budget of their own.
    assert client.get(SERVICES, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 200
