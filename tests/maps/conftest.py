"""Reports at known places, in every state that matters to the maps, built without workflows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boundaries.models import Edition
from boundaries.selectors import commune_locate
from reports.models import Media, Report, ReporterIdentity, Role
from routing_rules.models import Agency
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

# Interior points: Phường Điện Biên Phủ (03127, district 094) and Phường Mường Thanh (03334).
DBP = (103.0578, 21.4156)
MUONG_THANH = (103.0365, 21.3661)
# Tủa Chùa area (former district 098), far from the city.
TUA_CHUA = None  # located lazily from the commune table in `far_point`

SECRET_NAME = "Lò Văn Bí Mật"
SECRET_PHONE = "0987654321"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def env_category(db):
    return CategoryFactory(code="ve-sinh-moi-truong", name="Vệ sinh môi trường")


@pytest.fixture
def road_category(db):
    return CategoryFactory(code="ha-tang-duong", name="Hạ tầng đô thị – đường")


@pytest.fixture
def ubnd_mt(db):
    return AgencyFactory(
        code="ubnd-muong-thanh",
        name="UBND phường Mường Thanh",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03334"],
    )


@pytest.fixture
def citizen(db):
    return UserFactory(username="dan", full_name=SECRET_NAME, phone=SECRET_PHONE)


@pytest.fixture
def officer(ubnd_dbp):
    return UserFactory(username="canbo-dbp", role=Role.AGENCY_OFFICER, agency=ubnd_dbp)


@pytest.fixture
def officer_mt(ubnd_mt):
    return UserFactory(username="canbo-mt", role=Role.AGENCY_OFFICER, agency=ubnd_mt)


@pytest.fixture
def planner(db):
    return UserFactory(username="quyhoach", role=Role.PLANNER)


@pytest.fixture
def make_report(citizen, env_category):
    """A report at a point, its commune/district located like report_submit does."""
    counter = {"n": 0}

    def _make(point=DBP, *, category=None, status=Report.Status.PUBLISHED, age_days=3, **fields):
        counter["n"] += 1
        location = commune_locate(lon=point[0], lat=point[1])
        created = timezone.now() - timedelta(days=age_days)
        values = {
            "category": category or env_category,
            "title": f"Phản ánh thử {counter['n']}",
            "description": "Nội dung thử.",
            "point": f"SRID=4326;POINT({point[0]} {point[1]})",
            "commune_id": location.commune.id,
            "district_id": location.district.id if location.district else None,
            "edition": Edition.objects.get(slug=location.edition),
            "status": status,
        }
        if status == Report.Status.PUBLISHED:
            values["closed_at"] = created + timedelta(days=2)
        values.update(fields)
        report = Report.objects.create(**values)
        report.reference = f"PA-T-{report.pk:06d}"
        report.created_at = created
        report.save(update_fields=["reference", "created_at"])
        ReporterIdentity.objects.create(
            report=report, user=citizen, full_name=SECRET_NAME, phone=SECRET_PHONE
        )
        return report

    return _make


@pytest.fixture
def public_set(make_report, ubnd_dbp, ubnd_mt, road_category):
    """Visible and invisible reports for the public-map tests."""
    return {
        "visible": make_report(DBP, title=XSS, current_agency=ubnd_dbp),
        "visible_mt": make_report(MUONG_THANH, category=road_category, current_agency=ubnd_mt),
        "hidden": make_report(DBP, hidden=True, hidden_reason="Vi phạm nội quy."),
        "private": make_report(DBP, private_result=True),
        "open": make_report(DBP, status=Report.Status.IN_PROGRESS, current_agency=ubnd_dbp),
        "submitted": make_report(MUONG_THANH, status=Report.Status.SUBMITTED),
    }


@pytest.fixture
def queue_set(make_report, ubnd_dbp, ubnd_mt):
    """Open cases of two agencies, with deadlines past, near and far."""
    now = timezone.now()
    return {
        "overdue": make_report(
            DBP,
            status=Report.Status.IN_PROGRESS,
            current_agency=ubnd_dbp,
            due_at=now - timedelta(days=1),
            is_overdue=True,
            urgent=True,
        ),
        "soon": make_report(
            DBP,
            status=Report.Status.ASSIGNED,
            current_agency=ubnd_dbp,
            due_at=now + timedelta(hours=2),
        ),
        "on_time": make_report(
            DBP,
            status=Report.Status.ASSIGNED,
            current_agency=ubnd_dbp,
            due_at=now + timedelta(days=20),
        ),
        "closed": make_report(DBP, status=Report.Status.PUBLISHED, current_agency=ubnd_dbp),
        "other_area": make_report(
            MUONG_THANH,
            status=Report.Status.IN_PROGRESS,
            current_agency=ubnd_mt,
            due_at=now + timedelta(days=5),
        ),
    }


def add_photo(report) -> Media:
    return Media.objects.create(
        report=report,
        kind=Media.Kind.IMAGE,
        file="reports/test.jpg",
        content_type="image/jpeg",
        size=10,
    )
