"""/api/v1/locate answers its common request without DRF's request cycle, byte for byte as the
DRF view does, and leaves everything else to that view."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict

from boundaries import views
from boundaries.serializers import LocateInputSerializer, locate_query_string_fast
from gis_portal.accounts.tokens import token_issue
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

MUONG_THANH = "lat=21.3661&lon=103.0365"
# Headers every answer carries its own value of.
PER_RESPONSE = {"X-Request-ID"}


def _sliver_query() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(ST_PointOnSurface(g)), ST_Y(ST_PointOnSurface(g)) FROM ("
            "SELECT (ST_Dump(ST_Difference(p.geom, (SELECT ST_Union(geom) FROM "
            "boundaries_adminunit WHERE level = 'commune')))).geom AS g "
            "FROM boundaries_adminunit p WHERE p.level = 'province') s "
            "ORDER BY ST_Area(g) DESC LIMIT 1"
        )
        lon, lat = cursor.fetchone()
    return f"lat={lat!r}&lon={lon!r}"


def _answer(client, query: str, headers: dict) -> tuple:
    response = client.get(f"/api/v1/locate?{query}", headers=headers)
    kept = [(k, v) for k, v in response.headers.items() if k not in PER_RESPONSE]
    # The browsable API's page carries a CSRF token of its own each time.
    html = response.headers.get("Content-Type", "").startswith("text/html")
    return response.status_code, kept, b"<html>" if html else response.content


def _both(client, monkeypatch, query: str, headers: dict) -> tuple[tuple, tuple, bool]:
    """The answer as served, the DRF view's own answer, and whether the fast path answered."""
    answered = []
    fast = views._locate_fast

    def spy(request):
        body = fast(request)
        answered.append(body is not None)
        return body

    monkeypatch.setattr(views, "_locate_fast", spy)
    served = _answer(client, query, headers)
    monkeypatch.setattr(views, "_locate_fast", lambda request: None)
    drf = _answer(client, query, headers)
    monkeypatch.setattr(views, "_locate_fast", fast)
    return served, drf, answered == [True]


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        (MUONG_THANH, {}),
        (MUONG_THANH, {"Accept": "*/*"}),
        (MUONG_THANH, {"Accept": "application/json"}),
        ("lon=103.0365&lat=21.3661", {"Accept-Language": "en"}),
        ("lat=21.3661&lon=1.030365e2", {}),
        ("lat=21%2E3661&lon=103.0365", {}),  # decoded by the QueryDict
        ("sliver", {}),  # the nearest commune, from PostGIS
    ],
)
def test_the_common_request_gets_the_drf_views_bytes_and_headers(
    client, monkeypatch, query, headers
):
    query = _sliver_query() if query == "sliver" else query
    served, drf, fast = _both(client, monkeypatch, query, headers)
    assert fast
    assert served == drf
    assert served[0] == 200


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("lat=21.03&lon=105.85", {}),  # outside: 422
        ("lat=abc&lon=103.0", {}),  # 400 naming the field
        ("lat=91&lon=103.0", {}),
        ("lon=103.0", {}),
        (f"{MUONG_THANH}&at=2020-01-01", {}),
        (f"{MUONG_THANH}&at=2026-01-01", {}),
        (f"{MUONG_THANH}&format=json", {}),
        (f"{MUONG_THANH}&format=api", {}),
        (f"{MUONG_THANH}&extra=1", {}),
        (MUONG_THANH, {"Accept": "text/html"}),  # the browsable API
        (MUONG_THANH, {"Accept": "application/json; indent=4"}),
        (MUONG_THANH, {"Accept": "image/png"}),  # 406
        (MUONG_THANH, {"Accept": ""}),
        (MUONG_THANH, {"Authorization": "Token not-a-token"}),  # 401
    ],
)
def test_anything_else_is_answered_by_the_drf_view(client, monkeypatch, query, headers):
    served, drf, fast = _both(client, monkeypatch, query, headers)
    assert not fast
    assert served == drf


def test_signed_in_clients_get_the_same_answer(client, api_client, monkeypatch):
    citizen = UserFactory(username="congdan-locate")
    client.force_login(citizen)
    served, drf, fast = _both(client, monkeypatch, MUONG_THANH, {})
    assert fast and served == drf and served[0] == 200
    token = token_issue(user=citizen).key
    served, drf, fast = _both(
        api_client, monkeypatch, MUONG_THANH, {"Authorization": f"Token {token}"}
    )
    assert not fast and served == drf and served[0] == 200


@pytest.mark.parametrize("method", ["head", "options", "post"])
def test_other_methods_are_the_drf_views(client, monkeypatch, method):
    answered = []
    fast = views._locate_fast
    monkeypatch.setattr(views, "_locate_fast", lambda r: answered.append(fast(r)) or answered[-1])
    response = getattr(client, method)(f"/api/v1/locate?{MUONG_THANH}")
    assert answered == [None]
    assert response.status_code == {"head": 200, "options": 200, "post": 405}[method]


def test_the_view_keeps_drfs_attributes_for_the_schema_and_csrf():
    view = views.LocateView.as_view()
    assert view.cls is views.LocateView
    assert view.csrf_exempt is True


@pytest.mark.parametrize(
    "query",
    [
        "lat=21.3661&lon=103.0365",
        "lon=103.0365&lat=21.3661",
        "lat=-90&lon=180",
        "lat=2e1&lon=1.03e2",
        "lat=21.&lon=.5",
        "lat=1_0&lon=103",
        "lat=+21&lon=103",
        "lat=%2021&lon=103",
        "lat=21&lon=103&lon=104",
        "lat=21&lat=22",
        "lat=21;lon=103",
        "lat=21&lon=103&",
        "lat=21&lon",
        "lat=&lon=103",
        "lat=-&lon=103",
        "lat=1e999&lon=103",
        "lat=nan&lon=103",
        "lat=21&lon=103&at=2026-01-01",
        "lat=" + "1" * 300 + "&lon=103",
        "",
    ],
)
def test_the_query_string_reader_agrees_with_the_serializer(query):
    fast = locate_query_string_fast(query)
    if fast is None:
        return
    serializer = LocateInputSerializer(data=QueryDict(query))
    assert serializer.is_valid()
    assert fast == serializer.validated_data
    assert set(QueryDict(query)) == {"lat", "lon"}


def test_plain_numbers_are_read_without_a_querydict():
    for lat, lon in [("21.3661", "103.0365"), ("-90", "180"), ("2e1", "1.03E2")]:
        query = urlencode({"lat": lat, "lon": lon})
        assert locate_query_string_fast(query) == {"lat": float(lat), "lon": float(lon)}
