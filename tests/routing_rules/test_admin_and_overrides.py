import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from routing_rules.models import SpecialZone
from routing_rules.services.overrides import route_override_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(routing_data_module, db):
    return routing_data_module


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau123")
    client.force_login(user)
    return client


def test_zone_admin_map_widget_loads_openlayers_from_our_static_files(data, admin_client):
    zone = SpecialZone.objects.get(code="hanh-lang-ql12")
    response = admin_client.get(f"/admin/routing_rules/specialzone/{zone.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "routing_rules/vendor/ol-7.2.2/ol.js" in html
    assert "gis/js/OLMapWidget.js" in html
    assert "cdn." not in html and "jsdelivr" not in html


@pytest.mark.parametrize(
    "model", ["category", "agency", "specialzone", "rule"], ids=lambda m: f"{m} changelist"
)
def test_admin_changelists_render(data, admin_client, model):
    assert admin_client.get(f"/admin/routing_rules/{model}/").status_code == 200


def test_rule_admin_edit_form_renders(data, admin_client):
    from routing_rules.models import Rule

    rule = Rule.objects.get(code="thai-do-can-bo")
    response = admin_client.get(f"/admin/routing_rules/rule/{rule.pk}/change/")
    assert response.status_code == 200


def test_override_needs_an_active_agency_and_a_reason(data):
    override = route_override_check(
        agency_code="so-xay-dung",
        reason="  Đoạn đường thuộc quốc lộ,   không phải đường xã  ",
        suggested_agency_code="ubnd-03172",
    )
    assert override.agency.code == "so-xay-dung"
    assert override.reason == "Đoạn đường thuộc quốc lộ, không phải đường xã"
    assert override.differs

    with pytest.raises(ValidationError) as caught:
        route_override_check(agency_code="so-xay-dung", reason="sai")
    assert "reason" in caught.value.message_dict

    with pytest.raises(ValidationError) as caught:
        route_override_check(agency_code="so-khong-co", reason="Lý do đầy đủ ở đây")
    assert "agency" in caught.value.message_dict
