"""Alerts are exercised through real report workflows: reuse the reports fixtures, plus
subscribers around Phường Điện Biên Phủ (03127, former district 094)."""

import pytest
from django.contrib.gis.geos import Point

from alerts.models import AreaAlert
from boundaries.models import AdminUnit
from outbox.services import outbox_relay
from reports.services import workflow
from tests.reports.conftest import *  # noqa: F403
from tests.reports.conftest import DBP, MUONG_THANH
from tests.reports.factories import UserFactory

Kind = AreaAlert.Kind


def unit(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.filter(level=level, code=code).order_by("-edition__valid_from").first()


def alert_for(user, *, kind: str, code: str = "", point=None, radius_m=None, **extra):
    fields = {"user": user, "kind": kind, **extra}
    if kind == Kind.CIRCLE:
        fields.update(point=Point(*point, srid=4326), radius_m=radius_m)
    else:
        fields["unit"] = unit(kind, code)
    return AreaAlert.objects.create(**fields)


@pytest.fixture
def relay():
    """Relay the outbox until it is empty (events, then their alerts, then e-mails)."""

    def _relay() -> None:
        for _round in range(6):
            if not outbox_relay().sent:
                return

    return _relay


@pytest.fixture
def fans(db):
    """One subscriber per way of matching Phường Điện Biên Phủ, and two who must not hear."""
    users = {
        name: UserFactory(username=f"fan-{name}")
        for name in ("commune", "district", "circle", "far_circle", "other_commune", "results")
    }
    alert_for(users["commune"], kind=Kind.COMMUNE, code="03127")
    alert_for(users["district"], kind=Kind.DISTRICT, code="094")
    alert_for(users["circle"], kind=Kind.CIRCLE, point=(DBP[0] + 0.003, DBP[1]), radius_m=500)
    alert_for(users["far_circle"], kind=Kind.CIRCLE, point=MUONG_THANH, radius_m=1000)
    alert_for(users["other_commune"], kind=Kind.COMMUNE, code="03334")
    alert_for(users["results"], kind=Kind.COMMUNE, code="03127", what=AreaAlert.What.RESULTS)
    return users


@pytest.fixture
def published(submit, ioc, officer, ubnd_dbp, relay):
    """Submitted, assigned (public from then on), started, result submitted and published."""

    def _run(**submit_kwargs):
        report = submit(**submit_kwargs)
        relay()
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
        relay()
        workflow.report_start(actor=officer, report=report)
        workflow.result_submit(actor=officer, report=report, text="Đã thu gom rác.")
        workflow.result_publish(actor=ioc, report=report)
        relay()
        report.refresh_from_db()
        return report

    return _run
