"""The 10 former district-level areas, rebuilt from the 2025 communes."""

import pytest

from boundaries.models import AdminUnit
from boundaries.services.former_districts import former_district_assignments

pytestmark = pytest.mark.django_db

EXPECTED = {
    "094": ("Thành phố Điện Biên Phủ", ["03127", "03316", "03325", "03334"]),
    "095": ("Thị xã Mường Lay", ["03151"]),
    "096": ("Huyện Mường Nhé", ["03158", "03160", "03162", "03163", "03164"]),
    "097": ("Huyện Mường Chà", ["03172", "03181", "03193", "03194"]),
    "098": ("Huyện Tủa Chùa", ["03217", "03220", "03226", "03241", "03244"]),
    "099": ("Huyện Tuần Giáo", ["03253", "03260", "03268", "03283", "03295"]),
    "100": ("Huyện Điện Biên", ["03202", "03328", "03349", "03352", "03356", "03358", "03368"]),
    "101": ("Huyện Điện Biên Đông", ["03203", "03208", "03214", "03370", "03382", "03385"]),
    "102": ("Huyện Mường Ảng", ["03256", "03301", "03313"]),
    "103": ("Huyện Nậm Pồ", ["03166", "03169", "03175", "03176", "03199"]),
}


def test_each_former_district_has_its_communes():
    districts = AdminUnit.objects.filter(edition__slug="2025", level="district")
    actual = {
        d.code: (d.full_name, sorted(d.children.values_list("code", flat=True))) for d in districts
    }
    assert actual == EXPECTED


def test_former_districts_are_labelled_as_former_areas():
    for district in AdminUnit.objects.filter(edition__slug="2025", level="district"):
        assert district.is_former
        assert district.administration_ended.isoformat() == "2025-06-30"
        assert district.display_name.endswith("(cũ)")
        assert district.parent.code == "11"


def test_a_district_area_is_the_union_of_its_communes():
    for district in AdminUnit.objects.filter(edition__slug="2025", level="district"):
        communes = sum(c.area_km2 for c in district.children.all())
        assert district.area_km2 == pytest.approx(communes, rel=1e-3)


@pytest.mark.parametrize(
    ("commune", "district", "why"),
    [
        # Namesake predecessor wins over the majority.
        ("03151", "095", "Mường Lay: 3 predecessors in TX Mường Lay, 1 in Mường Chà"),
        ("03334", "094", "Mường Thanh: Noong Bua, Nam Thanh (TP) vs Thanh Xương (Điện Biên)"),
        ("03316", "094", "Nà Tấu: namesake old xã Nà Tấu of TP Điện Biên Phủ"),
        ("03301", "102", "Búng Lao: namesake old xã Búng Lao of Mường Ảng"),
    ],
)
def test_communes_formed_from_two_districts(commune, district, why):
    assert former_district_assignments(province_code="11")[commune].code == district, why


def test_an_invalid_province_code_is_refused():
    with pytest.raises(ValueError, match="two digits"):
        former_district_assignments(province_code="11' OR 1=1 --")
