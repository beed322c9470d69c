"""The routing engine: priority, validity dates, conditions, targets, fallbacks."""

import dataclasses
from datetime import datetime

import pytest
from django.contrib.gis.geos import LineString
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from routing_rules.models import Agency, Category, Rule
from routing_rules.selectors import (
    RouteRequest,
    agency_list,
    category_list,
    commune_ubnd_get,
    report_route,
    zones_covering,
)
from tests.routing_rules.conftest import route, route_request
from tests.routing_rules.factories import AgencyFactory, RuleFactory, SpecialZoneFactory

pytestmark = pytest.mark.django_db

MUONG_THANH = (103.0365, 21.3661)
DBP_CENTRE = (103.0578, 21.4156)
MUONG_PHANG = (103.1042, 21.4724)  # Xã Mường Phăng, former TP Điện Biên Phủ (094)
TUAN_GIAO = (103.4443, 21.6311)
NA_SANG = (103.0616, 21.7757)


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def data(routing_data_module, db):
    return routing_data_module


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _other() -> Category:
    return Category.objects.get(code="khac")


def test_lower_priority_number_wins_and_swapping_priorities_swaps_the_winner(data):
    first = RuleFactory(priority=1, categories=[_other()], target_agency=_agency("so-tu-phap"))
    second = RuleFactory(priority=2, categories=[_other()], target_agency=_agency("thanh-tra-tinh"))
    assert route("khac", *DBP_CENTRE).agency.code == "so-tu-phap"

    # The unique priority constraint is deferred: two rules can swap inside one transaction.
    with transaction.atomic():
        Rule.objects.filter(pk=first.pk).update(priority=2)
        Rule.objects.filter(pk=second.pk).update(priority=1)

    decision = route("khac", *DBP_CENTRE)
    assert decision.agency.code == "thanh-tra-tinh"
    assert decision.rule == second


def test_rule_applies_only_from_valid_from_until_before_valid_to(data):
    RuleFactory(
        priority=1,
        categories=[_other()],
        target_agency=_agency("so-tu-phap"),
        valid_from=at(2027, 1, 1),
        valid_to=at(2027, 2, 1),
    )

    def handler(moment):
        return route("khac", *DBP_CENTRE, at=moment).agency.code

    assert handler(at(2026, 12, 31, 23, 59)) == "ubnd-03127"
    assert handler(at(2027, 1, 1)) == "so-tu-phap"
    assert handler(at(2027, 1, 31, 23, 59)) == "so-tu-phap"
    assert handler(at(2027, 2, 1)) == "ubnd-03127"


def test_festival_rule_from_data_applies_only_during_the_festival(data):
    during = route("dich-vu-du-lich", *MUONG_PHANG, at=at(2027, 3, 10, 9))
    assert during.agency.code == "so-van-hoa-the-thao-du-lich"
    assert during.rule.code == "le-hoi-hoa-ban-2027"
    assert {a.code for a in during.coordinators} == {"ubnd-03325"}
    assert "Thành phố Điện Biên Phủ cũ (mã 094)" in "\n".join(during.explanation)

    after = route("dich-vu-du-lich", *MUONG_PHANG, at=at(2027, 3, 21, 0, 1))
    assert after.agency.code == "ubnd-03325"
    assert after.rule is None


def test_unit_condition_matches_the_former_district_of_the_point(data):
    RuleFactory(
        priority=1,
        categories=[_other()],
        unit_codes=["097"],
        target_agency=_agency("so-tu-phap"),
    )
    decision = route("khac", *NA_SANG)
    assert decision.agency.code == "so-tu-phap"
    assert decision.matched_conditions["units"] == ["097"]
    assert "Huyện Mường Chà cũ (mã 097)" in decision.explanation[3]
    assert route("khac", *DBP_CENTRE).agency.code == "ubnd-03127"


def test_commune_type_condition_tells_urban_wards_from_rural_communes(data):
    RuleFactory(
        priority=1,
        categories=[_other()],
        commune_types=["phường"],
        target_agency=_agency("so-xay-dung"),
    )
    ward = route("khac", *DBP_CENTRE)
    assert ward.agency.code == "so-xay-dung"
    assert ward.matched_conditions["commune_type"] == "phường"
    assert "đơn vị cấp xã là phường" in "\n".join(ward.explanation)
    assert route("khac", *NA_SANG).agency.code == "ubnd-03172"  # a xã


def test_inactive_rule_is_ignored_unless_a_preview_activates_it(data):
    Rule.objects.filter(code="dien-luc").update(is_active=False)
    request = route_request("ha-tang-dien", *TUAN_GIAO, text="Cột đèn nghiêng")
    assert report_route(request=request).agency.code == "ubnd-03253"
    preview = report_route(request=request, activate=["dien-luc"])
    assert preview.agency.code == "dien-luc-tuan-giao"
    assert report_route(request=request, deactivate=["dien-luc"]).rule is None


def test_rule_whose_agency_is_inactive_is_skipped_with_the_reason(data):
    Agency.objects.filter(code="cap-nuoc-dien-bien").update(is_active=False)
    decision = route("cap-thoat-nuoc", *MUONG_THANH, text="Mất nước ba ngày")
    assert decision.agency.code == "ubnd-03334"
    assert decision.rule.code == "ha-tang-dia-phuong"
    skipped = [line for line in decision.explanation if "bị bỏ qua" in line]
    assert skipped and skipped[0].startswith("Quy tắc «Nước sạch")


def test_area_without_an_active_branch_goes_to_the_parent_company(data):
    Agency.objects.filter(code="dien-luc-tuan-giao").update(is_active=False)
    decision = route("ha-tang-dien", *TUAN_GIAO)
    assert decision.agency.code == "dien-luc-dien-bien"
    assert "chưa có chi nhánh phụ trách địa bàn này" in "\n".join(decision.explanation)


def test_a_branch_covering_the_commune_beats_the_one_covering_the_former_district(data):
    AgencyFactory(
        code="doi-quan-ly-dien-muong-thanh",
        kind=Agency.Kind.AREA_BRANCH,
        parent=_agency("dien-luc-dien-bien"),
        jurisdiction_codes=["03334"],
    )
    assert route("ha-tang-dien", *MUONG_THANH).agency.code == "doi-quan-ly-dien-muong-thanh"
    assert route("ha-tang-dien", *DBP_CENTRE).agency.code == "dien-luc-tp-dien-bien-phu"


def test_zone_manager_target_names_the_agency_managing_the_zone(data):
    manager = AgencyFactory(code="ban-quan-ly-thu", kind=Agency.Kind.OTHER)
    zone = SpecialZoneFactory(
        kind="tourist_area",
        managing_agency=manager,
        geom=LineString((103.0570, 21.4150), (103.0590, 21.4160), srid=4326),
        buffer_m=100,
    )
    RuleFactory(priority=1, zones=[zone], target_kind=Rule.Target.ZONE_MANAGER)
    decision = route("khac", *DBP_CENTRE)
    assert decision.agency == manager
    assert zone.code in decision.zone_codes
    assert f"đơn vị quản lý {zone.name}" in "\n".join(decision.explanation)


def test_zone_match_uses_the_buffer_in_metres(data):
    # A 1 km east-west line; 0.00027° of latitude is about 30 m, 0.00054° about 60 m.
    zone = SpecialZoneFactory(geom=LineString((103.20, 21.50), (103.21, 21.50), srid=4326))
    zone.refresh_from_db()
    assert zone.area.geom_type == "MultiPolygon"
    assert zone in zones_covering(lon=103.205, lat=21.50027)
    assert zone not in zones_covering(lon=103.205, lat=21.50054)

    zone.buffer_m = 100
    zone.save()
    assert zone in zones_covering(lon=103.205, lat=21.50054)


def test_zone_lookup_is_one_query_on_the_gist_index(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        zones = zones_covering(lon=103.0117, lat=21.3857)
    assert [z.code for z in zones] == ["di-tich-ham-de-castries"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM routing_rules_specialzone "
            "WHERE ST_Covers(area, ST_SetSRID(ST_MakePoint(103.01, 21.38), 4326))"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "routing_zone_area_gist" in plan


def test_route_decision_needs_few_queries(data, django_assert_max_num_queries):
    request = route_request("thai-do-can-bo-thu-tuc", 103.0117, 21.3857)
    with django_assert_max_num_queries(10):
        decision = report_route(request=request)
    assert decision.agency.code == "so-van-hoa-the-thao-du-lich"


def test_without_a_commune_the_ioc_sorts_the_report_by_hand(data):
    request = RouteRequest("khac", 103.0, 21.0, commune_code=None, district_code=None)
    decision = report_route(request=request)
    assert decision.agency.code == "ioc-dien-bien"
    assert decision.fallback
    assert decision.explanation[0] == "Không xác định được xã/phường chứa vị trí."


def test_commune_ubnd_get_names_the_ubnd_or_explains_what_is_missing(data):
    assert commune_ubnd_get(commune_code="03334").name == "UBND Phường Mường Thanh"
    with pytest.raises(Agency.DoesNotExist, match="routing_load"):
        commune_ubnd_get(commune_code="99999")


def test_category_list_gives_active_categories_in_file_order(data):
    Category.objects.filter(code="giao-duc").update(is_active=False)
    codes = list(category_list().values_list("code", flat=True))
    assert codes[:3] == ["trat-tu-xay-dung", "ve-sinh-moi-truong", "ha-tang-dien"]
    assert codes[-1] == "khac"
    assert "giao-duc" not in codes


def test_agency_list_filters_by_kind_parent_and_jurisdiction(data):
    assert agency_list(kind="commune_ubnd").count() == 45
    assert agency_list(parent_code="dien-luc-dien-bien").count() == 10
    covering_097 = set(agency_list(jurisdiction_code="097").values_list("code", flat=True))
    assert covering_097 == {"dien-luc-muong-cha", "ttyt-muong-cha"}
    assert [a.code for a in agency_list(search="Tư pháp")] == ["so-tu-phap"]


def test_rule_clean_rejects_unknown_units_whole_province_and_bad_zone_kinds(data):
    rule = Rule(code="x", name="x", priority=5000, target_kind="commune_ubnd")
    rule.unit_codes = ["03334", "77777"]
    with pytest.raises(ValidationError, match="77777"):
        rule.full_clean()
    rule.unit_codes = ["11"]
    with pytest.raises(ValidationError, match="để trống"):
        rule.full_clean()
    rule.unit_codes, rule.commune_types = [], ["thôn"]
    with pytest.raises(ValidationError, match="thôn"):
        rule.full_clean()
    rule.commune_types, rule.zone_kinds = [], ["volcano"]
    with pytest.raises(ValidationError, match="volcano"):
        rule.full_clean()
    rule.zone_kinds, rule.target_kind = [], "fixed"
    with pytest.raises(ValidationError, match="Cần chọn cơ quan"):
        rule.full_clean()


def test_a_naive_moment_is_read_in_the_portal_time_zone(data):
    RuleFactory(
        priority=1,
        categories=[_other()],
        target_agency=_agency("so-tu-phap"),
        valid_from=at(2027, 1, 1),
    )
    request = route_request("khac", *DBP_CENTRE)
    before = dataclasses.replace(request, at=datetime(2026, 12, 31, 23, 30))
    after = dataclasses.replace(request, at=datetime(2027, 1, 1, 0, 30))
    assert report_route(request=before).agency.code == "ubnd-03127"
    assert report_route(request=after).agency.code == "so-tu-phap"
