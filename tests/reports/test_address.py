"""Typed addresses in new (2025) or old names resolve to a served commune."""

import pytest
from django.urls import reverse

from boundaries.selectors import commune_locate
from reports.address import address_locate
from reports.errors import ReportInvalid

pytestmark = pytest.mark.django_db


def test_new_name_resolves_to_commune_with_point_inside():
    match = address_locate(text="Phường Điện Biên Phủ, Tỉnh Điện Biên")
    assert match.commune_code == "03127" and match.converted_from is None
    assert commune_locate(lon=match.lon, lat=match.lat).commune.code == "03127"


def test_old_name_is_converted_to_the_2025_commune():
    match = address_locate(text="Phường Mường Thanh, Thành phố Điện Biên Phủ, Tỉnh Điện Biên")
    assert match.commune_code == "03127"
    assert match.converted_from == "Phường Mường Thanh"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ab", "Hãy nhập"),
        ("Phường Hoàn Kiếm, Thành phố Hà Nội", "ngoài địa bàn"),
    ],
)
def test_unusable_addresses_are_refused(text, message):
    with pytest.raises(ReportInvalid) as exc:
        address_locate(text=text)
    assert exc.value.field == "address" and message in exc.value.message


def test_address_api(client):
    response = client.get(reverse("address-locate"), {"q": "Mường Thanh, Điện Biên"})
    assert response.status_code == 200 and response.json()["commune_code"] == "03334"
    bad = client.get(reverse("address-locate"), {"q": "xx"})
    assert bad.status_code == 400 and bad.json()["field"] == "address"
