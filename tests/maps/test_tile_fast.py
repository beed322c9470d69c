"""The public tile endpoint answers its common request (no filters, no token) without DRF's
request cycle, byte for byte and header for header as the DRF view does, and leaves
everything else to that view."""

import pytest
from django.urls import reverse

from gis_portal.accounts.tokens import token_issue
from maps import views
from maps.point_cells import FULL_DETAIL_ZOOM
from tests.maps.conftest import DBP
from tests.maps.test_tiles import tile_xy
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

# Headers every answer carries its own value of.
PER_RESPONSE = {"X-Request-ID"}


def _answer(client, path: str, headers: dict) -> tuple:
    response = client.get(path, headers=headers)
    kept = sorted((k, v) for k, v in response.headers.items() if k not in PER_RESPONSE)
    return response.status_code, kept, response.content, sorted(response.cookies)


def _both(client, monkeypatch, path: str, headers: dict | None = None) -> tuple:
    """The answer as served, the DRF view's own answer, and whether the fast path answered."""
    headers = headers or {}
    answered = []
    fast = views._public_tile_fast

    def spy(request, z, x, y):
        body = fast(request, z, x, y)
        answered.append(body is not None)
        return body

    monkeypatch.setattr(views, "_public_tile_fast", spy)
    served = _answer(client, path, headers)
    monkeypatch.setattr(views, "_public_tile_fast", lambda request, z, x, y: None)
    drf = _answer(client, path, headers)
    monkeypatch.setattr(views, "_public_tile_fast", fast)
    return served, drf, answered == [True]


def tile_path(z: int, query: str = "") -> str:
    x, y = tile_xy(*DBP, z)
    path = reverse("maps-public-tiles", args=[z, x, y])
    return f"{path}?{query}" if query else path


@pytest.mark.parametrize("z", [FULL_DETAIL_ZOOM, 14, 10, 5])
@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_fast_tile_is_drfs(client, monkeypatch, public_set, z, accept):
    headers = {"Accept": accept} if accept else {}
    served, drf, fast = _both(client, monkeypatch, tile_path(z), headers)
    assert fast
    assert served == drf
    assert served[0] == 200 and served[2]
    assert dict(served[1])["Content-Type"] == "application/vnd.mapbox-vector-tile"


def test_fast_tile_not_modified(client, monkeypatch, public_set):
    etag = client.get(tile_path(FULL_DETAIL_ZOOM))["ETag"]
    served, drf, fast = _both(
        client, monkeypatch, tile_path(FULL_DETAIL_ZOOM), {"If-None-Match": etag}
    )
    assert fast and served == drf and served[0] == 304


def test_fast_tile_signed_in_is_drfs(client, monkeypatch, public_set):
    """A visitor's session: the public tile still does not vary on the cookie."""
    client.force_login(UserFactory(username="nguoi-dan-tiles"))
    served, drf, fast = _both(client, monkeypatch, tile_path(FULL_DETAIL_ZOOM))
    assert fast and served == drf
    assert "Cookie" not in dict(served[1]).get("Vary", "")


@pytest.mark.parametrize(
    "query,headers",
    [
        ("category=ve-sinh-moi-truong", {}),
        ("bbox=bad", {}),
        ("", {"Accept": "text/html"}),
        ("", {"Accept": "application/vnd.mapbox-vector-tile"}),
    ],
)
def test_other_requests_go_to_drf(client, monkeypatch, public_set, query, headers):
    served, drf, fast = _both(client, monkeypatch, tile_path(FULL_DETAIL_ZOOM, query), headers)
    assert not fast
    assert served[:3] == drf[:3]


def test_token_goes_to_drf(client, monkeypatch, public_set):
    token = token_issue(user=UserFactory(username="token-tiles")).key
    for value in (f"Token {token}", "Token sai"):
        served, drf, fast = _both(
            client, monkeypatch, tile_path(FULL_DETAIL_ZOOM), {"Authorization": value}
        )
        assert not fast and served[:3] == drf[:3]
    assert drf[0] == 401


def test_off_grid_goes_to_drf(client, monkeypatch):
    path = reverse("maps-public-tiles", args=[3, 99, 0])
    served, drf, fast = _both(client, monkeypatch, path)
    assert not fast and served == drf and served[0] == 400
