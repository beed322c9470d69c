"""The synthetic-report generator: valid rows, clustered in the right communes, repeatable."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from devtools import synthetic
from devtools.bulk_load import deferred_definitions
from devtools.synthetic import (
    SyntheticError,
    synthetic_count,
    synthetic_delete,
    synthetic_generate,
)
from reports.models import Report, ReporterIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(env_category, road_category, ubnd_dbp):
    return [env_category, road_category]


def test_generates_valid_reports_in_the_communes_that_contain_them(categories):
    written = synthetic_generate(tag="t1", count=600, seed=3)
    assert written == 600
    reports = Report.objects.filter(reference__startswith="SYNt1-")
    assert reports.count() == 600
    assert ReporterIdentity.objects.filter(report__in=reports).count() == 600
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM reports_report r
               JOIN boundaries_adminunit u ON u.id = r.commune_id
               WHERE r.reference LIKE 'SYNt1-%%' AND NOT ST_Covers(u.geom, r.point)"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            """SELECT count(*) FROM reports_report r
               JOIN boundaries_adminunit u ON u.id = r.commune_id
               WHERE r.reference LIKE 'SYNt1-%%' AND r.district_id IS DISTINCT FROM u.parent_id"""
        )
        assert cursor.fetchone()[0] == 0
    statuses = set(reports.values_list("status", flat=True))
    assert {"published", "rejected", "in_progress", "assigned"} <= statuses
    assert set(reports.values_list("category__code", flat=True)) == {c.code for c in categories}
    merged = reports.filter(status="merged")
    assert all(r.duplicate_of_id for r in merged)
    # Clustered around settlements: the three wards (of 45 communes) draw far more than 3/45.
    wards = reports.filter(commune__unit_type="phường").count()
    assert wards > 600 * 0.2
    span = reports.order_by("created_at")
    assert (span.last().created_at - span.first().created_at).days > 300


def test_same_tag_and_seed_give_the_same_rows_and_replace_the_old_ones(categories):
    synthetic_generate(tag="t2", count=200, seed=9)
    first = list(
        Report.objects.filter(reference__startswith="SYNt2-").values_list("reference", "status")
    )
    synthetic_generate(tag="t2", count=200, seed=9)
    second = list(
        Report.objects.filter(reference__startswith="SYNt2-").values_list("reference", "status")
    )
    assert sorted(first) == sorted(second)
    assert synthetic_count(tag="t2") == 200


def test_command_dry_run_delete_and_errors(categories, capsys):
    call_command("reports_synthesize", "--count", "50", "--tag", "t3", "--dry-run")
    assert synthetic_count(tag="t3") == 0
    call_command("reports_synthesize", "--count", "50", "--tag", "t3")
    assert synthetic_count(tag="t3") == 50
    call_command("reports_synthesize", "--tag", "t3", "--delete")
    assert synthetic_count(tag="t3") == 0
    with pytest.raises(CommandError):
        call_command("reports_synthesize", "--tag", "bad-tag!", "--count", "5")
    with pytest.raises(SyntheticError):
        synthetic_generate(tag="t4", count=0)


def _located(tag: str) -> list[tuple]:
    """(number, commune, point) of a tag's reports, comparable across tags."""
    rows = Report.objects.filter(reference__startswith=f"SYN{tag}-").order_by("reference")
    return [(r.reference.split("-")[1], r.commune_id, r.point.wkb) for r in rows]


def _inconsistencies(tag: str) -> dict[str, int]:
    """Rows breaking what the generator promises about statuses, results and ratings."""
    checks = {
        "not_covered": """SELECT count(*) FROM reports_report r
            JOIN boundaries_adminunit u ON u.id = r.commune_id
            WHERE NOT ST_Covers(u.geom, r.point) OR r.district_id IS DISTINCT FROM u.parent_id""",
        "result_without_published_report": """SELECT count(*) FROM reports_result res
            JOIN reports_report r ON r.id = res.report_id
            WHERE r.status <> 'published' OR res.agency_id IS DISTINCT FROM r.current_agency_id""",
        "published_with_agency_without_result": """SELECT count(*) FROM reports_report r
            WHERE r.status = 'published' AND r.current_agency_id IS NOT NULL
              AND (SELECT count(*) FROM reports_result res WHERE res.report_id = r.id) <> 1""",
        "rating_of_another_report": """SELECT count(*) FROM reports_rating ra
            JOIN reports_result res ON res.id = ra.result_id
            JOIN reports_report r ON r.id = ra.report_id WHERE res.report_id <> ra.report_id""",
        "merged_without_older_twin": """SELECT count(*) FROM reports_report r
            LEFT JOIN reports_report d ON d.id = r.duplicate_of_id
            WHERE r.status = 'merged' AND (d.id IS NULL OR d.commune_id <> r.commune_id
                OR d.category_id <> r.category_id OR d.created_at > r.created_at)""",
        "agency_on_unassigned": """SELECT count(*) FROM reports_report r
            WHERE r.status IN ('submitted', 'rejected', 'returned', 'merged')
              AND r.current_agency_id IS NOT NULL""",
    }
    found = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql.replace("WHERE", f"WHERE r.reference LIKE 'SYN{tag}-%%' AND", 1))
            found[name] = cursor.fetchone()[0]
    return {name: n for name, n in found.items() if n}


def test_references_are_numbered_from_one_without_gaps(categories):
    synthetic_generate(tag="t5", count=300, seed=5)
    references = set(
        Report.objects.filter(reference__startswith="SYNt5-").values_list("reference", flat=True)
    )
    assert references == {f"SYNt5-{n:07d}" for n in range(1, 301)}


def test_results_ratings_and_merges_are_consistent_with_status(categories):
    synthetic_generate(tag="t6", count=800, seed=6)
    assert _inconsistencies("t6") == {}
    published = Report.objects.filter(reference__startswith="SYNt6-", status="published")
    assert published.filter(current_agency__isnull=False).exists()


def test_cell_grid_locates_points_exactly_as_the_polygon_test(categories, monkeypatch):
    grids = []

    def spy(execute, sql, params, many, context):
        if isinstance(params, dict) and "grid" in params:
            grids.append(params["grid"])
        return execute(sql, params, many, context)

    monkeypatch.setattr(synthetic, "GRID_MIN_COUNT", 1)
    with connection.execute_wrapper(spy):
        synthetic_generate(tag="grid", count=1500, seed=8)
    monkeypatch.setattr(synthetic, "GRID_MIN_COUNT", 10**9)
    with connection.execute_wrapper(spy):
        synthetic_generate(tag="poly", count=1500, seed=8)
    assert grids == [True, False]
    assert _located("grid") == _located("poly")


def test_bulk_load_rebuilds_every_index_and_key_and_keeps_the_rows_valid(categories, monkeypatch):
    monkeypatch.setattr(synthetic, "BULK_MIN_COUNT", 1)
    before = deferred_definitions(synthetic.BULK_TABLES)
    assert any("gist" in create for _, _, create in before)
    synthetic_generate(tag="b1", count=400, seed=4)
    # A second run deletes the first one's rows while the keys are down.
    assert synthetic_generate(tag="b1", count=500, seed=4) == 500
    assert deferred_definitions(synthetic.BULK_TABLES) == before
    assert synthetic_count(tag="b1") == 500
    assert _inconsistencies("b1") == {}
    assert synthetic_delete(tag="b1") == 500
    assert deferred_definitions(synthetic.BULK_TABLES) == before
    assert synthetic_count(tag="b1") == 0
