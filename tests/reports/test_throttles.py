"""Request limits in the real Redis: registration 5 per hour per address (API and web form
together), token login 10 per minute, and the heavy endpoints (address-locate, photo-location,
nearby, maps exports); staff are never limited; Redis down fails closed with a 503."""

import pytest
from django.conf import settings
from django.urls import reverse

from gis_portal.throttles import PortalScopedThrottle, client_ip
from reports.models import Role
from tests.reports.factories import UserFactory
from tests.reports.media_samples import gps_jpeg

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.50"


def signup(client, n, address=ADDRESS, **headers):
    return client.post(
        reverse("auth-register"),
        {
            "username": f"dan-gioihan-{n}",
            "password": "Dien-Bien-1954",
            "full_name": "Quàng Văn A",
            "phone": "0987654321",
        },
        REMOTE_ADDR=address,
        **headers,
    )


def web_signup(client, n, address=ADDRESS):
    return client.post(
        reverse("reports-web:register"),
        {
            "username": f"dan-web-{n}",
            "full_name": "Lường Văn C",
            "phone": "0911111111",
            "password": "Muong-Thanh-2026",
        },
        REMOTE_ADDR=address,
    )


@pytest.fixture
def rates(monkeypatch):
    """Small rates for the heavy scopes, so a test needs a few requests, not sixty."""

    def set_rate(scope, rate):
        monkeypatch.setitem(PortalScopedThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


def test_the_configured_rates():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {
        "register": "5/hour",
        "auth-token": "10/minute",
        "address-locate": "30/minute",
        "photo-location": "20/minute",
        "nearby": "60/minute",
        "maps-export": "10/hour",
        "stats-custom": "20/hour",
        "maps-geojson": "120/minute",
        "maps-export-staff": "60/hour",
        "maps-html-report": "30/hour",
        "category-suggest": "60/minute",
        "zalo-webhook": "1200/minute",
    }


def test_registration_is_limited_to_five_an_hour_per_address(api_client):
    answers = [signup(api_client, n).status_code for n in range(5)]
    assert answers == [201] * 5
    refused = signup(api_client, 5)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3000
    assert refused.json()["error"].startswith("Bạn đã gửi quá nhiều yêu cầu")
    # A forged X-Forwarded-For does not buy a new budget; another address has its own.
    assert signup(api_client, 6, HTTP_X_FORWARDED_FOR="10.9.8.7").status_code == 429
    assert signup(api_client, 7, address="198.51.100.1").status_code == 201


def test_web_sign_up_shares_the_api_budget(api_client, client):
    for n in range(3):
        assert signup(api_client, n).status_code == 201
    assert web_signup(client, 1).status_code == 302
    client.logout()
    assert web_signup(client, 2).status_code == 302
    client.logout()
    refused = web_signup(client, 3)
    assert refused.status_code == 429
    assert "Bạn đã gửi quá nhiều yêu cầu" in refused.content.decode()
    assert signup(api_client, 9).status_code == 429
    # Reading the form is not counted.
    assert client.get(reverse("reports-web:register")).status_code == 200


def test_token_login_is_limited_per_address_across_usernames(api_client):
    answers = [
        api_client.post(
            reverse("auth-token"), {"username": f"ai-do-{n}", "password": "x"}, REMOTE_ADDR=ADDRESS
        ).status_code
        for n in range(11)
    ]
    assert answers == [400] * 10 + [429]


def test_address_locate_is_limited_for_anonymous_clients(api_client, rates):
    rates("address-locate", "3/minute")
    query = {"q": "Phường Điện Biên Phủ, Tỉnh Điện Biên"}
    answers = [api_client.get(reverse("address-locate"), query).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_photo_location_and_nearby_are_limited_per_citizen(api_client, reporter, category, rates):
    rates("photo-location", "1/minute")
    rates("nearby", "1/minute")
    api_client.force_authenticate(reporter)

    def photo():
        return api_client.post(reverse("photo-location"), {"photo": gps_jpeg()}, format="multipart")

    assert [photo().status_code, photo().status_code] == [200, 429]
    near = {"category": category.code, "lon": 103.0578, "lat": 21.4156}
    answers = [api_client.get(reverse("report-nearby"), near).status_code for _ in range(2)]
    assert answers == [200, 429]


def test_anonymous_map_exports_are_limited(api_client, rates):
    rates("maps-export", "2/hour")
    # Counted before the export is built, whatever the format asked for.
    csv, unknown = reverse("maps-export", args=["csv"]), reverse("maps-export", args=["shp"])
    assert [api_client.get(unknown).status_code for _ in range(2)] == [404, 404]
    refused = api_client.get(csv, {"layer": "public"})
    assert refused.status_code == 429 and "Retry-After" in refused


def test_staff_are_never_limited(api_client, rates):
    rates("address-locate", "1/minute")
    api_client.force_authenticate(UserFactory(username="ioc-gioihan", role=Role.IOC_OPERATOR))
    query = {"q": "Phường Điện Biên Phủ, Tỉnh Điện Biên"}
    assert {api_client.get(reverse("address-locate"), query).status_code for _ in range(4)} == {200}


def test_without_redis_the_limit_fails_closed_for_anonymous_but_not_for_staff(api_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    query = {"q": "Phường Điện Biên Phủ, Tỉnh Điện Biên"}
    refused = api_client.get(reverse("address-locate"), query)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert "tạm thời" in refused.json()["error"]
    api_client.force_authenticate(UserFactory(username="ioc-khongredis", role=Role.IOC_OPERATOR))
    assert api_client.get(reverse("address-locate"), query).status_code == 200


def test_behind_a_proxy_the_client_is_the_address_the_proxy_appended(rf, settings):
    forged_then_real = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    assert client_ip(rf.get("/", **forged_then_real)) == "10.0.0.2"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_ip(rf.get("/", **forged_then_real)) == "203.0.113.9"
