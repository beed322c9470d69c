"""The folium map report opens offline: Leaflet inlined, no network script or stylesheet."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.maps.conftest import SECRET_NAME, XSS

pytestmark = pytest.mark.django_db


def assert_offline(page: str) -> None:
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", page)
    assert "L.map(" in page or "L.map (" in page
    assert "LEAFLET_JS" not in page and "LEAFLET_CSS" not in page


def test_command_writes_an_offline_report_for_a_district(public_set, tmp_path):
    output = tmp_path / "report.html"
    call_command("maps_html_report", "094", "--output", str(output))
    page = output.read_text(encoding="utf-8")
    assert_offline(page)
    assert "Thành phố Điện Biên Phủ" in page
    assert SECRET_NAME not in page
    assert XSS not in page  # escaped: &lt;img ...
    assert "vietnamese-provinces-database" in page


def test_command_refuses_an_unknown_unit(tmp_path):
    with pytest.raises(CommandError):
        call_command("maps_html_report", "99999", "--output", str(tmp_path / "x.html"))


def test_download_button_endpoint(client, planner, citizen, public_set):
    client.force_login(citizen)
    assert client.get(reverse("maps-html-report"), {"unit": "03127"}).status_code == 403
    client.force_login(planner)
    response = client.get(reverse("maps-html-report"), {"unit": "03127"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_offline(response.content.decode())
    bad = client.get(reverse("maps-html-report"), {"unit": "x"})
    assert bad.status_code == 400
    assert bad.json() == {"error": "unit: Không có xã/phường hay huyện (cũ) mã x.", "field": "unit"}
