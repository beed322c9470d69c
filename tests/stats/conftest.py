"""A small, hand-checked set of reports with fixed timestamps (Asia/Ho_Chi_Minh, 2025).

    ref agency cat.  commune (district) created assigned due    closed state
    R1  A      rac   03127 (094)        28/08   28/08    09/09  03/09  on time, satisfied
    R2  A      rac   03127 (094)        08/09   08/09    19/09* 18/09  extension, acceptable,
                                                                       disputed
    R3  A      duong 03253 (099)        10/09   11/09    19/09  24/09  late, unsatisfied, HIDDEN
    R4  B      duong 03253 (099)        01/10   01/10    09/10  —      in progress, overdue now
    R5  —      rac   03127 (094)        02/10   —        —      02/10  rejected
    R6  —      rac   03127 (094)        03/10   —        —      03/10  merged into R1
    R7  —      rac   03127 (094)        15/10   —        (verify 16/10) submitted, overdue now
    R8  B      rac   03334 (094)        14/10   14/10    22/10  —      in progress, not yet due

R1-R3 are published. "Now" is Monday 20/10/2025 10:00. 1 and 2 September 2025 are public
holidays, so R1 took 2 working days (29/08, 03/09), R2 8 (9-12, 15-18/09), R3 9 (12,
15-19, 22-24/09). * R2's due date after an approved 3-day extension (originally 16/09).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from boundaries.models import AdminUnit, Edition
from reports.models import (
    Extension,
    Rating,
    Report,
    ReporterIdentity,
    Result,
    Role,
    Transition,
)
from routing_rules.models import Agency
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 10, 20, 10, 0, tzinfo=TZ)


def at(day: int, month: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=TZ)


def end_of(day: int, month: int) -> datetime:
    return datetime(2025, month, day, 23, 59, 59, tzinfo=TZ)


@dataclass
class Fixture:
    reports: dict
    agency_a: Agency
    agency_b: Agency


@pytest.fixture
def stats_fixture(db) -> Fixture:
    agency_a = AgencyFactory(
        code="stats-ubnd-dbp", name="UBND phường Điện Biên Phủ", kind=Agency.Kind.COMMUNE_UBND
    )
    agency_b = AgencyFactory(code="stats-so-xay-dung", name="Sở Xây dựng")
    rac = CategoryFactory(code="stats-rac", name="Rác thải")
    duong = CategoryFactory(code="stats-duong", name="Đường, vỉa hè")
    citizen = UserFactory(username="stats-dan", full_name="Người Dân", phone="0912000333")
    staff = UserFactory(username="stats-ioc", role=Role.IOC_OPERATOR)
    edition = Edition.objects.get(slug="2025")
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=["03127", "03253", "03334"])}

    def make(name, *, category, commune, created, agency=None, status, **fields):
        unit = units[commune]
        report = Report.objects.create(
            reference=f"ST-{name}",
            category=category,
            title=f"Phản ánh {name}",
            description="Nội dung",
            point=unit.geom.point_on_surface,
            commune=unit,
            district=unit.parent,
            edition=edition,
            status=status,
            current_agency=agency,
            **fields,
        )
        Report.objects.filter(pk=report.pk).update(created_at=created)
        ReporterIdentity.objects.create(
            report=report, user=citizen, full_name="Người Dân", phone="0912000333"
        )
        report.refresh_from_db()
        return report

    def event(report, action, moment, **fields):
        row = Transition.objects.create(
            report=report, action=action, to_status=report.status, **fields
        )
        Transition.objects.filter(pk=row.pk).update(created_at=moment)

    def result(report, agency, closed, rating=None):
        row = Result.objects.create(
            report=report,
            agency=agency,
            author=staff,
            text="Đã xử lý.",
            state=Result.State.PUBLISHED,
            is_public=True,
            decided_at=closed,
        )
        if rating:
            Rating.objects.create(report=report, result=row, user=citizen, value=rating)

    published = Report.Status.PUBLISHED
    r1 = make(
        "R1",
        category=rac,
        commune="03127",
        created=at(28, 8),
        agency=agency_a,
        status=published,
        assigned_at=at(28, 8, 10),
        due_at=end_of(9, 9),
        closed_at=at(3, 9, 15),
    )
    event(r1, Transition.Action.ASSIGN, at(28, 8, 10))
    result(r1, agency_a, at(3, 9, 15), Rating.Value.SATISFIED)

    r2 = make(
        "R2",
        category=rac,
        commune="03127",
        created=at(8, 9),
        agency=agency_a,
        status=published,
        assigned_at=at(8, 9, 11),
        due_at=end_of(19, 9),
        closed_at=at(18, 9, 16),
    )
    event(r2, Transition.Action.ASSIGN, at(8, 9, 11))
    Extension.objects.create(
        report=r2,
        agency=agency_a,
        requested_by=staff,
        reason="Cần thêm thời gian",
        days=3,
        state=Extension.State.APPROVED,
        old_due_at=end_of(16, 9),
        new_due_at=end_of(19, 9),
    )
    result(r2, agency_a, at(18, 9, 16), Rating.Value.ACCEPTABLE)
    event(r2, Transition.Action.REPLY, at(19, 9), reason="Chưa sạch hẳn")

    r3 = make(
        "R3",
        category=duong,
        commune="03253",
        created=at(10, 9),
        agency=agency_a,
        status=published,
        assigned_at=at(11, 9, 8),
        due_at=end_of(19, 9),
        closed_at=at(24, 9, 17),
        hidden=True,
        hidden_reason="Ngôn từ xúc phạm",
    )
    event(r3, Transition.Action.ASSIGN, at(11, 9, 8))
    result(r3, agency_a, at(24, 9, 17), Rating.Value.UNSATISFIED)

    r4 = make(
        "R4",
        category=duong,
        commune="03253",
        created=at(1, 10),
        agency=agency_b,
        status=Report.Status.IN_PROGRESS,
        assigned_at=at(1, 10, 10),
        due_at=end_of(9, 10),
        is_overdue=True,
    )
    event(r4, Transition.Action.ASSIGN, at(1, 10, 10))
    r5 = make(
        "R5",
        category=rac,
        commune="03127",
        created=at(2, 10),
        status=Report.Status.REJECTED,
        closed_at=at(2, 10, 15),
    )
    r6 = make(
        "R6",
        category=rac,
        commune="03127",
        created=at(3, 10),
        status=Report.Status.MERGED,
        duplicate_of=r1,
        closed_at=at(3, 10, 15),
    )
    r7 = make(
        "R7",
        category=rac,
        commune="03127",
        created=at(15, 10),
        status=Report.Status.SUBMITTED,
        verify_due_at=end_of(16, 10),
    )
    r8 = make(
        "R8",
        category=rac,
        commune="03334",
        created=at(14, 10),
        agency=agency_b,
        status=Report.Status.IN_PROGRESS,
        assigned_at=at(14, 10, 10),
        due_at=end_of(22, 10),
    )
    event(r8, Transition.Action.ASSIGN, at(14, 10, 10))
    reports = {r.reference[3:]: r for r in (r1, r2, r3, r4, r5, r6, r7, r8)}
    return Fixture(reports=reports, agency_a=agency_a, agency_b=agency_b)
