"""Reads of one agency's own work: its officers' workload, its area and its resolved history."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from boundaries.selectors import edition_at
from reports import policy, sql_agency
from reports.errors import ReportInvalid
from reports.models import Report, User
from reports.selectors import LIST_RELATED, UNIT_OUTLINES, report_list_agency_queue
from routing_rules.models import Agency

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class OfficerLoad:
    officer: User
    open_count: int
    overdue_count: int

    @property
    def name(self) -> str:
        return self.officer.full_name or self.officer.username


def officer_get(*, report: Report, pk: int) -> User:
    """An officer the report may be given to, by id; any other id names the field."""
    officer = policy.officers_eligible(agency_id=report.current_agency_id).filter(pk=pk).first()
    if officer is None:
        raise ReportInvalid(
            _("Không có cán bộ này trong cơ quan đang xử lý phản ánh."), field="officer"
        )
    return officer


def officer_workload_list(*, agency: Agency) -> list[OfficerLoad]:
    """Each eligible officer of the agency with their open cases and the overdue among them,
    in one grouped query (officers with no case included)."""
    mine = Q(
        assigned_reports__current_agency_id=agency.pk,
        assigned_reports__status__in=policy.OPEN_STATUSES,
    )
    officers = (
        policy.officers_eligible(agency_id=agency.pk)
        .only("pk", "username", "full_name")
        .annotate(
            open_count=Count("assigned_reports", filter=mine),
            overdue_count=Count(
                "assigned_reports", filter=mine & Q(assigned_reports__is_overdue=True)
            ),
        )
        .order_by("full_name", "username")
    )
    return [OfficerLoad(o, o.open_count, o.overdue_count) for o in officers]


def agency_area_bounds(*, agency: Agency) -> Bounds | None:
    """(west, south, east, north) of the area the agency covers in today's boundary edition
    (reports.sql_agency), or None when it covers no particular area (the province's view)."""
    edition = edition_at()
    if edition is None:
        return None
    params = {
        "edition": edition.pk,
        "agency": agency.pk,
        "codes": [str(code) for code in agency.jurisdiction_codes or []],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql_agency.AGENCY_AREA_EXTENT, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return (row[0], row[1], row[2], row[3])


def report_list_agency_resolved(*, user) -> QuerySet[Report]:
    """The officer's agency's resolved cases, the most recently closed first."""
    return (
        policy.reports_agency_resolved(user=user)
        .select_related(*LIST_RELATED, "assigned_officer")
        .defer(*UNIT_OUTLINES)
        .order_by(F("closed_at").desc(nulls_last=True), "-pk")
    )


QUEUE_TABS = ("dang-xu-ly", "da-giai-quyet")


def report_list_agency_tab(*, user, tab: str, mine: bool = False) -> QuerySet[Report]:
    """One tab of the agency's queue page: the cases being handled (the queue's order) or the
    resolved history; `mine`: only those given to this officer."""
    if tab == "da-giai-quyet":
        reports = report_list_agency_resolved(user=user)
    else:
        reports = report_list_agency_queue(user=user).select_related("assigned_officer")
    return reports.filter(assigned_officer=user) if mine else reports
