"""The phone app's files as the browser gets them: the worker at the root with its scope header
and never from a cache, the manifest with its content type and icons, the offline shell with
nobody's identity, the session state never stored."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_service_worker_is_served_at_the_root_with_scope_and_no_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "max-age=0"} <= cache_control
    body = response.content.decode()
    assert 'from "/static/pwa/outbox.js";' in body
    config = json.loads(body.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["shell"] == "/ung-dung/phan-anh-ngoai-tuyen/"
    assert config["submitApi"] == "/api/v1/reports/"
    assert "/static/vendor/leaflet/leaflet.js" in config["static"]
    assert "/static/reports/submit.js" in config["static"]
    assert config["data"] == [
        "/api/v1/categories/",
        "/api/v1/boundaries/?level=commune&simplify=50&page_size=100",
    ]
    assert len(config["version"]) == 12


def test_every_file_the_worker_precaches_exists(client):
    config = json.loads(
        client.get("/sw.js").content.decode().split("const CONFIG = ", 1)[1].split(";\n", 1)[0]
    )
    for url in config["static"]:
        assert finders.find(url.removeprefix("/static/")), url


def test_worker_refuses_anything_but_get(client):
    assert client.post("/sw.js").status_code == 405


def test_manifest_names_the_app_in_vietnamese_with_maskable_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["name"] == "Điện Biên — Phản ánh hiện trường"
    assert data["short_name"] == "Phản ánh ĐB"
    assert data["lang"] == "vi" and data["display"] == "standalone"
    assert data["start_url"] == "/phan-anh/gui/" and data["scope"] == "/"
    assert data["theme_color"] == "#8b1a1a"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert sizes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in data["icons"]:
        with Image.open(finders.find(icon["src"].removeprefix("/static/"))) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest(client):
    body = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body


def test_offline_shell_carries_no_identity_even_when_signed_in(client):
    user = UserFactory(full_name="Lò Văn Riêng", phone="0912999888", email="rieng@example.vn")
    client.force_login(user)
    response = client.get("/ung-dung/phan-anh-ngoai-tuyen/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-shell="1"' in body
    for private in ("Lò Văn Riêng", "0912999888", "rieng@example.vn"):
        assert private not in body
    # Empty name and phone: the API takes them from the account when the queue sends.
    for name in ("full_name", "phone"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)
        assert "required" not in tag
    assert "no-cache" in response["Cache-Control"]


def test_session_state_gives_the_token_and_is_never_stored(client):
    anonymous = client.get("/ung-dung/phien/")
    assert anonymous.json()["signed_in"] is False
    client.force_login(UserFactory())
    response = client.get("/ung-dung/phien/")
    assert response.json()["signed_in"] is True
    assert len(response.json()["csrf_token"]) >= 32
    assert "no-store" in response["Cache-Control"]
