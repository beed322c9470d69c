"""Map pages: self-hosted assets, the data credit, role checks, the 'report here' form."""

import pytest
from django.urls import reverse

from tests.maps.conftest import DBP

pytestmark = pytest.mark.django_db
CREDIT = "vietnamese-provinces-database © 2021 Thang Le Quoc (MIT)"


def test_public_map_page_is_self_hosted_and_credits_the_boundaries(client, env_category):
    html = client.get(reverse("maps-public")).content.decode()
    assert CREDIT in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/maps/vendor/markercluster/leaflet.markercluster.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html
    assert "{z}/{x}/{y}.mvt" in html
    assert "Vệ sinh môi trường" in html  # category filter
    assert "Phường Mường Thanh" in html  # commune filter


def test_officer_and_planner_pages_check_roles(client, citizen, officer, planner):
    client.force_login(citizen)
    assert client.get(reverse("maps-officer")).status_code == 404
    assert client.get(reverse("maps-planner")).status_code == 404
    client.force_login(officer)
    page = client.get(reverse("maps-officer"))
    assert page.status_code == 200 and "UBND phường Điện Biên Phủ" in page.content.decode()
    client.force_login(planner)
    assert CREDIT in client.get(reverse("maps-planner")).content.decode()


def test_report_here_fills_the_location(client, citizen, env_category):
    client.force_login(citizen)
    response = client.get(reverse("maps-report-here"), {"lat": DBP[1], "lon": DBP[0]})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{DBP[0]}"' in html and f'value="{DBP[1]}"' in html


def test_report_here_outside_the_province_explains_why(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("maps-report-here"), {"lat": 21.03, "lon": 105.85}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("maps-public")
    assert "ngoài địa bàn" in response.content.decode()


def test_report_here_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("maps-report-here"), {"lat": DBP[1], "lon": DBP[0]})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
