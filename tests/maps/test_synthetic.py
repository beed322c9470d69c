"""The synthetic-report generator: valid rows, clustered in the right communes, repeatable."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from reports.models import Report, ReporterIdentity
from reports.services.synthetic import SyntheticError, synthetic_count, synthetic_generate

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
