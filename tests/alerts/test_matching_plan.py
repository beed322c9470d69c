"""The fan-out finds alerts through their indexes (the partial unit index and the GiST index on
the geography point), never by reading every alert: checked on the plan PostgreSQL makes once
sequential scans are priced out (a small test table would otherwise be scanned whole)."""

import pytest
from django.db import connection

from alerts import sql
from alerts.models import AreaAlert
from reports.models import Transition
from tests.alerts.conftest import alert_for
from tests.reports.conftest import DBP
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_fanout_probes_the_unit_and_gist_indexes(report):
    user = UserFactory(username="plan")
    alert_for(user, kind=AreaAlert.Kind.COMMUNE, code="03127")
    alert_for(user, kind=AreaAlert.Kind.CIRCLE, point=DBP, radius_m=500)
    event = Transition.objects.filter(report=report).first()
    params = {
        "transition": event.pk,
        "kind": "new",
        "what": "new",
        "both": "both",
        "widest": 10_000,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql._fanout_sql(), params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on areaalert_active_unit" in plan
    assert "Index Cond: (unit_id = " in plan
    assert "Index Scan using alerts_areaalert_point_" in plan
    assert "Index Cond: (point && _st_expand(" in plan
    assert "Seq Scan on alerts_areaalert" not in plan
