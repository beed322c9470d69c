"""One validation: the admin and the data loader refuse the same bad record with the same message.

Each case is one bad record in model terms. It is posted to the admin's add form and written
into a copy of data/routing; both must name the same field (the file's spelling of it) with
the same Vietnamese message, and neither may write anything.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry

from routing_rules.models import Agency, Category, Rule, SpecialZone
from routing_rules.services.loading import DATA_FIELDS, DataError, routing_data_load

pytestmark = pytest.mark.django_db

PROVINCE_UNIT = "Mã 11 là cả tỉnh, khớp mọi vị trí: hãy để trống điều kiện địa bàn."
NOT_STRINGS = 'Phải là danh sách các chuỗi không rỗng, dạng ["…", "…"].'

BASE = {
    "category": {"code": "linh-vuc-sai", "name": "Lĩnh vực sai", "keywords": []},
    "agency": {
        "code": "co-quan-sai",
        "name": "Cơ quan sai",
        "kind": "department",
        "jurisdiction_codes": ["11"],
    },
    "specialzone": {
        "code": "vung-sai",
        "name": "Vùng sai",
        "kind": "road_corridor",
        "geom": {"type": "LineString", "coordinates": [[103.05, 21.42], [103.06, 21.42]]},
        "buffer_m": 40,
    },
    "rule": {
        "code": "quy-tac-sai",
        "name": "Quy tắc sai",
        "priority": 9000,
        "target_kind": "fixed",
        "target_agency": "so-xay-dung",
    },
}

BAD = [
    ("rule: unknown unit", "rule", {"unit_codes": ["0949"]}, "unit_codes",
     "Không có đơn vị hành chính mã 0949."),
    ("rule: whole province", "rule", {"unit_codes": ["11"]}, "unit_codes", PROVINCE_UNIT),
    ("rule: units not strings", "rule", {"unit_codes": [94]}, "unit_codes", NOT_STRINGS),
    ("rule: unknown commune type", "rule", {"commune_types": ["thị trấn"]}, "commune_types",
     "Loại đơn vị không hợp lệ: thị trấn (hợp lệ: xã, phường, đặc khu)."),
    ("rule: unknown zone kind", "rule", {"zone_kinds": ["volcano"]}, "zone_kinds",
     "Loại vùng không hợp lệ: volcano (hợp lệ: historic_site, road_corridor, tourist_area, "
     "hazard_area, other)."),
    ("rule: empty keyword", "rule", {"keywords": ["cháy", " "]}, "keywords", NOT_STRINGS),
    ("rule: fixed target without agency", "rule", {"target_agency": None}, "target_agency",
     "Cần chọn cơ quan khi đơn vị xử lý là «Một cơ quan cố định»."),
    ("rule: branch target without parent", "rule",
     {"target_kind": "area_branch", "target_agency": None}, "target_agency",
     "Cần chọn cơ quan khi đơn vị xử lý là «Chi nhánh của cơ quan, có địa bàn chứa vị trí»."),
    ("rule: ends before it starts", "rule",
     {"valid_from": dt.date(2027, 3, 10), "valid_to": dt.date(2027, 3, 1)}, "valid_to",
     "Phải sau thời điểm bắt đầu hiệu lực."),
    ("rule: priority zero", "rule", {"priority": 0}, "priority",
     "Phải là số nguyên từ 1 trở lên."),
    ("agency: unknown jurisdiction", "agency", {"jurisdiction_codes": ["11", "03999"]},
     "jurisdiction_codes", "Không có đơn vị hành chính mã 03999."),
    ("agency: jurisdiction not strings", "agency", {"jurisdiction_codes": [11]},
     "jurisdiction_codes", NOT_STRINGS),
    ("category: keywords not strings", "category", {"keywords": [1, 2]}, "keywords",
     NOT_STRINGS),
    ("zone: line without buffer", "specialzone", {"buffer_m": 0}, "buffer_m",
     "Điểm và đường cần vùng đệm lớn hơn 0 m."),
    ("zone: longitude and latitude swapped", "specialzone",
     {"geom": {"type": "Point", "coordinates": [21.42, 103.05]}}, "geom",
     "Vùng nằm ngoài tỉnh tiếp nhận phản ánh (có nhầm kinh độ với vĩ độ không?)."),
]  # fmt: skip

MODELS = {"category": Category, "agency": Agency, "specialzone": SpecialZone, "rule": Rule}


@pytest.fixture
def data(routing_data_module, db):
    return routing_data_module


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau123")
    client.force_login(user)
    return client


def _admin_form_data(record: dict) -> dict:
    """The add form's POST data for `record` (model field → value)."""
    data = {"urgency": "any", "is_active": "on", "approximate": "on", "sort_order": "0"}
    for name, value in record.items():
        if name == "geom":
            data["geom"] = GEOSGeometry(json.dumps(value), srid=4326).ewkt
        elif name == "target_agency":
            data[name] = Agency.objects.get(code=value).pk if value else ""
        elif isinstance(value, dt.date):
            data[f"{name}_0"], data[f"{name}_1"] = value.isoformat(), "00:00:00"
        elif isinstance(value, list):
            data[name] = json.dumps(value, ensure_ascii=False)
        elif value is not None:
            data[name] = value
    for name in ("unit_codes", "commune_types", "zone_kinds", "keywords", "jurisdiction_codes"):
        data.setdefault(name, "[]")
    return data


def _admin_errors(client, entity: str, record: dict) -> dict:
    response = client.post(f"/admin/routing_rules/{entity}/add/", _admin_form_data(record))
    assert response.status_code == 200, "the admin accepted the bad record"
    return response.context["adminform"].form.errors


def _toml(table: str, record: dict) -> str:
    lines = [f"\n[[{table}]]"]
    for name, value in record.items():
        key = DATA_FIELDS.get(name, name)
        if value is None:
            continue
        literal = (
            value.isoformat()
            if isinstance(value, dt.date)
            else json.dumps(value, ensure_ascii=False)
        )
        lines.append(f"{key} = {literal}")
    return "\n".join(lines) + "\n"


def _write_to_files(data_dir: Path, entity: str, record: dict) -> None:
    if entity == "specialzone":
        path = data_dir / "special_zones.geojson"
        collection = json.loads(path.read_text())
        properties = {k: v for k, v in record.items() if k != "geom"}
        collection["features"].append(
            {"type": "Feature", "properties": properties, "geometry": record["geom"]}
        )
        path.write_text(json.dumps(collection, ensure_ascii=False))
        return
    file, table = {
        "category": ("categories.toml", "category"),
        "agency": ("agencies.toml", "agency"),
        "rule": ("rules.toml", "rule"),
    }[entity]
    path = data_dir / file
    path.write_text(path.read_text() + _toml(table, record))


@pytest.mark.parametrize(
    ("entity", "change", "field", "message"), [case[1:] for case in BAD], ids=[c[0] for c in BAD]
)
def test_admin_and_loader_refuse_the_same_bad_record_with_the_same_message(
    data, admin_client, data_copy, entity, change, field, message
):
    record = {**BASE[entity], **change}
    model = MODELS[entity]
    before = model.objects.count()

    admin_errors = _admin_errors(admin_client, entity, record)

    _write_to_files(data_copy, entity, record)
    with pytest.raises(DataError) as caught:
        routing_data_load(data_dir=data_copy)

    assert admin_errors == {field: [message]}
    assert (caught.value.field, caught.value.message) == (DATA_FIELDS.get(field, field), message)
    assert model.objects.count() == before


@pytest.mark.parametrize("entity", list(BASE))
def test_the_good_base_records_are_accepted_by_both(data, admin_client, data_copy, entity):
    """The cases above fail for their one change, not for something in the base record."""
    response = admin_client.post(
        f"/admin/routing_rules/{entity}/add/", _admin_form_data(BASE[entity])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    MODELS[entity].objects.filter(code=BASE[entity]["code"]).delete()

    _write_to_files(data_copy, entity, BASE[entity])
    report = routing_data_load(data_dir=data_copy)
    kind = {"category": "categories", "agency": "agencies", "specialzone": "zones"}.get(
        entity, "rules"
    )
    assert BASE[entity]["code"] in report.created[kind]
