"""Loading data/routing: idempotent upserts, dry run, and bad data refused whole."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from routing_rules.models import Agency, Category, Rule, SpecialZone
from routing_rules.services.loading import DataError, routing_data_load
from tests.routing_rules.factories import RuleFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Category.objects.count(),
        Agency.objects.count(),
        SpecialZone.objects.count(),
        Rule.objects.count(),
    )


def test_first_load_creates_every_record_of_the_data_files():
    report = routing_data_load()
    assert {kind: len(codes) for kind, codes in report.created.items()} == {
        "categories": 15,
        "agencies": 84,
        "zones": 7,
        "rules": 20,
    }
    assert _counts() == (15, 84, 7, 20)
    assert Agency.objects.filter(kind="commune_ubnd").count() == 45
    branch = Agency.objects.get(code="dien-luc-muong-cha")
    assert branch.parent.code == "dien-luc-dien-bien"
    assert branch.jurisdiction_codes == ["097"]
    assert Agency.objects.get(code="ubnd-03334").email.endswith("@example.invalid")
    rule = Rule.objects.get(code="thien-tai-quoc-lo")
    assert [c.code for c in rule.categories.all()] == ["thien-tai"]
    assert rule.zone_kinds == ["road_corridor"]


def test_second_load_changes_nothing():
    routing_data_load()
    report = routing_data_load()
    assert not report.changed
    assert dict(report.unchanged) == {"categories": 15, "agencies": 84, "zones": 7, "rules": 20}


def test_load_updates_what_changed_in_the_files(data_copy: Path):
    routing_data_load(data_dir=data_copy)
    rules = data_copy / "rules.toml"
    rules.write_text(rules.read_text().replace('agency = "so-xay-dung"', 'agency = "so-tu-phap"'))
    zones = data_copy / "special_zones.geojson"
    zones.write_text(zones.read_text().replace('"buffer_m": 40', '"buffer_m": 50'))

    report = routing_data_load(data_dir=data_copy)

    assert sorted(report.updated["rules"]) == ["duong-quoc-lo", "thien-tai-quoc-lo"]
    assert sorted(report.updated["zones"]) == ["hanh-lang-ql12", "hanh-lang-ql279"]
    assert "agencies" not in report.updated
    assert Rule.objects.get(code="duong-quoc-lo").target_agency.code == "so-tu-phap"


def test_dry_run_checks_everything_and_writes_nothing():
    report = routing_data_load(dry_run=True)
    assert len(report.created["rules"]) == 20
    assert _counts() == (0, 0, 0, 0)


def test_command_reports_counts_and_dry_run_writes_nothing():
    out = StringIO()
    call_command("routing_load", "--dry-run", stdout=out)
    assert "agencies: [dry run] would have created 84" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert _counts() == (0, 0, 0, 0)

    call_command("routing_load", stdout=StringIO())
    out = StringIO()
    call_command("routing_load", stdout=out)
    assert "rules: created 0, updated 0, unchanged 20" in out.getvalue()


def test_records_missing_from_the_files_are_reported_not_deleted():
    routing_data_load()
    RuleFactory(code="quy-tac-tam", priority=5000, target_kind="commune_ubnd")
    report = routing_data_load()
    assert report.not_in_data == {"rules": ["quy-tac-tam"]}
    assert Rule.objects.filter(code="quy-tac-tam").exists()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _set_zone_property(path: Path, code: str, **changes) -> None:
    data = json.loads(path.read_text())
    feature = next(f for f in data["features"] if f["properties"]["code"] == code)
    for key, value in changes.items():
        if key == "geometry":
            feature["geometry"] = value
        else:
            feature["properties"][key] = value
    path.write_text(json.dumps(data, ensure_ascii=False))


BAD_DATA = [
    (
        "unknown category in a rule",
        "rules.toml",
        ('categories = ["chay-no"]', 'categories = ["chay-rung-no"]'),
        "rules.toml: rule 'chay-no': field 'categories': unknown category 'chay-rung-no'",
    ),
    (
        "unknown unit code in a rule",
        "rules.toml",
        ('units = ["094"]', 'units = ["0949"]'),
        "rules.toml: rule 'le-hoi-hoa-ban-2027': field 'units': "
        "Không có đơn vị hành chính mã 0949.",
    ),
    (
        "whole province as a rule's unit",
        "rules.toml",
        ('units = ["094"]', 'units = ["11"]'),
        "field 'units': Mã 11 là cả tỉnh",
    ),
    (
        "unknown commune type",
        "rules.toml",
        ('units = ["094"]', 'units = ["094"]\ncommune_types = ["thị trấn"]'),
        "field 'commune_types': Loại đơn vị không hợp lệ: thị trấn",
    ),
    (
        "unknown unit in an agency's jurisdiction",
        "agencies.toml",
        ('jurisdiction = ["03334"]', 'jurisdiction = ["03999"]'),
        "agencies.toml: agency 'ubnd-03334': field 'jurisdiction': "
        "Không có đơn vị hành chính mã 03999.",
    ),
    (
        "unknown coordinating agency",
        "rules.toml",
        ('coordinators = ["so-noi-vu"]', 'coordinators = ["so-noi-vu-cu"]'),
        "rules.toml: rule 'thai-do-can-bo': field 'coordinators': unknown agency 'so-noi-vu-cu'",
    ),
    (
        "unknown target agency",
        "rules.toml",
        ('agency = "pccc-cong-an-tinh"', 'agency = "cong-an-huyen"'),
        "rules.toml: rule 'chay-no': field 'agency': unknown agency 'cong-an-huyen'",
    ),
    (
        "unknown parent agency",
        "agencies.toml",
        ('parent = "so-y-te"', 'parent = "so-y-te-cu"'),
        "field 'parent': unknown agency 'so-y-te-cu'",
    ),
    (
        "duplicate priority",
        "rules.toml",
        ("priority = 20\n", "priority = 10\n"),
        "rules.toml: rule 'an-ninh-khan-cap': field 'priority': 10 is also used by rule 'chay-no'",
    ),
    (
        "unknown target kind",
        "rules.toml",
        ('target = "superior"', 'target = "boss"'),
        "rules.toml: rule 'thai-do-can-bo': field 'target': 'boss' is not one of",
    ),
    (
        "misspelt field name",
        "rules.toml",
        (
            'agency = "pccc-cong-an-tinh"\ncoordinate_commune_ubnd',
            'agency = "pccc-cong-an-tinh"\ncoordinate_commune',
        ),
        "rules.toml: rule 'chay-no': field 'coordinate_commune': unknown field",
    ),
    (
        "valid_to before valid_from",
        "rules.toml",
        ("valid_to = 2027-03-21", "valid_to = 2027-03-01"),
        "field 'valid_to': Phải sau thời điểm bắt đầu hiệu lực.",
    ),
    (
        "not TOML at all",
        "categories.toml",
        ('code = "khac"', 'code = "khac'),
        "categories.toml: -: field '-': not valid TOML",
    ),
]


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [case[1:] for case in BAD_DATA],
    ids=[case[0] for case in BAD_DATA],
)
def test_bad_data_is_refused_naming_file_record_and_field(data_copy, file, change, message):
    _replace(data_copy / file, *change)
    with pytest.raises(DataError) as caught:
        routing_data_load(data_dir=data_copy)
    assert message in str(caught.value)
    # All or nothing: even the categories read before the bad record were not kept.
    assert _counts() == (0, 0, 0, 0)


BAD_ZONES = [
    (
        "self-intersecting polygon",
        {
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [103.0, 21.38],
                        [103.01, 21.39],
                        [103.01, 21.38],
                        [103.0, 21.39],
                        [103.0, 21.38],
                    ]
                ],
            }
        },
        "field 'geometry': Hình học không hợp lệ: Self-intersection",
    ),
    (
        "latitude and longitude swapped",
        {"geometry": {"type": "Point", "coordinates": [21.3846, 103.0192]}},
        "field 'geometry': Vùng nằm ngoài tỉnh tiếp nhận phản ánh",
    ),
    (
        "line without a buffer",
        {"buffer_m": 0},
        "special_zones.geojson: feature 'hanh-lang-ql12': field 'buffer_m': "
        "Điểm và đường cần vùng đệm lớn hơn 0 m.",
    ),
    (
        "unknown managing agency",
        {"managing_agency": "ban-quan-ly-cu"},
        "field 'managing_agency': unknown agency 'ban-quan-ly-cu'",
    ),
    (
        "unknown zone kind",
        {"kind": "volcano"},
        "field 'kind': 'volcano' is not one of",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"), [case[1:] for case in BAD_ZONES], ids=[c[0] for c in BAD_ZONES]
)
def test_bad_zone_geometry_is_refused(data_copy, changes, message):
    _set_zone_property(data_copy / "special_zones.geojson", "hanh-lang-ql12", **changes)
    with pytest.raises(DataError) as caught:
        routing_data_load(data_dir=data_copy)
    assert message in str(caught.value)
    assert _counts() == (0, 0, 0, 0)


def test_rule_in_the_database_holding_a_priority_from_the_files_is_a_conflict():
    RuleFactory(code="quy-tac-tay", priority=10, target_kind="commune_ubnd")
    with pytest.raises(DataError, match="10 is used by rule 'quy-tac-tay' in the database"):
        routing_data_load()


def test_command_turns_bad_data_into_a_command_error(data_copy):
    _replace(data_copy / "rules.toml", 'categories = ["y-te"]', 'categories = ["suc-khoe"]')
    with pytest.raises(CommandError, match="rule 'y-te': field 'categories'"):
        call_command("routing_load", "--data-dir", str(data_copy), stdout=StringIO())
    assert _counts() == (0, 0, 0, 0)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="categories.toml: -: field '-': file not found"):
        routing_data_load(data_dir=tmp_path)


def test_data_dir_comes_from_the_routing_data_dir_setting(settings, tmp_path):
    settings.ROUTING_DATA_DIR = tmp_path
    with pytest.raises(DataError, match=f"file not found in {tmp_path}"):
        routing_data_load()
