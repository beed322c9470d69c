"""The area-alert page: a signed-in user follows a commune, a former district or a circle,
deletes one; bad input answers 4xx naming the field; nobody else's alerts are reachable."""

import pytest

from alerts.models import AreaAlert
from tests.alerts.conftest import alert_for
from tests.reports.conftest import DBP
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/theo-doi-khu-vuc/"
Kind = AreaAlert.Kind


@pytest.fixture
def citizen(client):
    user = UserFactory(username="theodoi", email="theodoi@example.test")
    client.force_login(user)
    return user


def post(client, **data):
    values = {"kind": "commune", "what": "both", "channel": "in_app"}
    values.update(data)
    return client.post(PAGE, values)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_citizen_follows_a_commune_a_district_and_a_circle(client, citizen):
    page = client.get(PAGE + "?xa=03127")
    assert page.status_code == 200
    assert 'value="03127" selected' in page.content.decode()
    assert 'src="/static/alerts/area.js"' in page.content.decode()
    assert "<script>" not in page.content.decode()  # no inline script (CSP)

    assert post(client, commune="03127").status_code == 302
    assert post(client, kind="district", district="094", what="new").status_code == 302
    response = post(client, kind="circle", lat=DBP[1], lon=DBP[0], radius_m=800)
    assert response.status_code == 302
    alerts = {a.kind: a for a in AreaAlert.objects.filter(user=citizen)}
    assert alerts["commune"].unit.code == "03127"
    assert alerts["district"].unit.code == "094" and alerts["district"].what == "new"
    assert alerts["circle"].radius_m == 800
    assert alerts["circle"].point.coords == pytest.approx(DBP)

    # The same commune again updates the alert instead of adding one.
    assert post(client, commune="03127", channel="email").status_code == 302
    assert AreaAlert.objects.filter(user=citizen).count() == 3
    assert AreaAlert.objects.get(user=citizen, kind="commune").channel == "email"

    listing = client.get(PAGE).content.decode()
    assert "Phường Điện Biên Phủ" in listing and "800 m" in listing


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"commune": ""}, 400, "commune"),
        ({"commune": "99999"}, 400, "commune"),
        ({"kind": "district", "district": "03127"}, 400, "district"),
        ({"kind": "circle", "radius_m": 500}, 400, "lat"),
        ({"kind": "circle", "lat": DBP[1], "lon": DBP[0], "radius_m": 50}, 400, "radius_m"),
        ({"kind": "circle", "lat": DBP[1], "lon": DBP[0], "radius_m": 20000}, 400, "radius_m"),
        ({"kind": "circle", "lat": 21.03, "lon": 105.85, "radius_m": 500}, 422, "lat"),
        ({"kind": "circle", "lat": "abc", "lon": DBP[0], "radius_m": 500}, 400, "lat"),
        ({"kind": "square"}, 400, "kind"),
        ({"commune": "03127", "what": "everything"}, 400, "what"),
    ],
)
def test_bad_input_answers_4xx_naming_the_field(client, citizen, data, status, field):
    response = post(client, **data)
    assert response.status_code == status
    assert field in response.context["form"].errors
    assert not AreaAlert.objects.exists()


def test_email_needs_an_address_on_the_account(client, citizen):
    citizen.email = ""
    citizen.save()
    response = post(client, commune="03127", channel="email")
    assert response.status_code == 400
    assert "thư điện tử" in response.context["form"].errors["channel"][0]


def test_a_citizen_deletes_their_alert_but_not_anothers(client, citizen):
    mine = alert_for(citizen, kind=Kind.COMMUNE, code="03127")
    theirs = alert_for(UserFactory(username="khac"), kind=Kind.COMMUNE, code="03127")
    assert client.post(f"{PAGE}{theirs.pk}/xoa/").status_code == 404
    assert client.get(f"{PAGE}{mine.pk}/xoa/").status_code == 405
    assert client.post(f"{PAGE}{mine.pk}/xoa/").status_code == 302
    assert list(AreaAlert.objects.values_list("pk", flat=True)) == [theirs.pk]
    # Another user's alert never shows on this page.
    assert "khac" not in client.get(PAGE).content.decode()


def test_erasing_the_account_deletes_its_alerts_and_the_export_lists_them(api_client, reporter):
    from django.urls import reverse

    from alerts.models import AreaAlert
    from alerts.services import alert_create

    alert_create(user=reporter, kind="commune", what="both", channel="in_app", unit_code="03127")
    reporter.set_password("mat-khau-thu-1")
    reporter.save()
    api_client.force_authenticate(reporter)
    exported = api_client.get(reverse("me-data")).json()
    assert [a["unit"] for a in exported["area_alerts"]] == ["03127"]
    assert api_client.post(reverse("me-erase"), {"password": "mat-khau-thu-1"}).status_code < 300
    assert not AreaAlert.objects.exists()
