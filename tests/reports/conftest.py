"""Actors, agencies and categories for report tests (no dependency on routing data files)."""

import pytest

from reports.models import Assignment, Report, Result, Role
from reports.services.submission import report_submit
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory
from tests.reports.policy_cases import WITH_AGENCY

Status = Report.Status

# Phường Điện Biên Phủ (03127) and Phường Mường Thanh (03334): interior points.
DBP = (103.0578, 21.4156)
MUONG_THANH = (103.0365, 21.3661)

REPORTER_NAME = "Lò Thị Bí Mật"
REPORTER_PHONE = "0912345678"
REPORTER_EMAIL = "bimat.reporter@example.test"
REPORTER_ID = 987654


@pytest.fixture
def category(db):
    return CategoryFactory(code="ve-sinh-moi-truong", name="Vệ sinh môi trường")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="so-xay-dung", name="Sở Xây dựng")


@pytest.fixture
def reporter(db):
    return UserFactory(
        pk=REPORTER_ID,
        username="nguoidan",
        full_name=REPORTER_NAME,
        phone=REPORTER_PHONE,
        email=REPORTER_EMAIL,
    )


@pytest.fixture
def ioc(db):
    return UserFactory(username="ioc", role=Role.IOC_OPERATOR)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="giamsat", role=Role.SUPERVISOR)


@pytest.fixture
def planner(db):
    return UserFactory(username="quyhoach", role=Role.PLANNER)


@pytest.fixture
def officer(ubnd_dbp):
    return UserFactory(username="canbo", role=Role.AGENCY_OFFICER, agency=ubnd_dbp)


@pytest.fixture
def other_officer(other_agency):
    return UserFactory(username="canbokhac", role=Role.AGENCY_OFFICER, agency=other_agency)


@pytest.fixture
def stranger(db):
    return UserFactory(username="nguoila")


@pytest.fixture
def submit(reporter, category):
    """File a report at a point (default: Phường Điện Biên Phủ) as the reporter."""

    def _submit(point=DBP, user=None, **kwargs):
        values = {
            "user": user or reporter,
            "category": category,
            "title": "Rác thải đổ trộm cạnh đường",
            "description": "Rác thải tồn đọng nhiều ngày, bốc mùi.",
            "lon": point[0],
            "lat": point[1],
        }
        values.update(kwargs)
        return report_submit(**values).report

    return _submit


@pytest.fixture
def report(submit, ubnd_dbp):
    return submit()


@pytest.fixture
def cast(reporter, ioc, supervisor, planner, officer, other_officer, stranger):
    outsider_agency = AgencyFactory(code="so-y-te", name="Sở Y tế")
    outsider = UserFactory(username="canbongoai", role=Role.AGENCY_OFFICER, agency=outsider_agency)
    return {
        "anonymous": None,
        "citizen": stranger,
        "reporter": reporter,
        "ioc": ioc,
        "supervisor": supervisor,
        "planner": planner,
        "handler": officer,
        "coordinator": other_officer,
        "outsider": outsider,
    }


@pytest.fixture
def make_report(submit, ioc, officer, ubnd_dbp, other_agency):
    """A report in `status` as the workflow leaves it: handled by ubnd_dbp with other_agency
    coordinating while an agency holds it; a pending (or published) result where one exists."""

    def _make(status: str, *, hidden: bool = False, private_result: bool = False) -> Report:
        report = submit(private_result=private_result)
        fields = {"status": status, "hidden": hidden, "hidden_reason": "Lý do" if hidden else ""}
        if status == Status.MERGED:
            fields["duplicate_of"] = submit()
        if status in WITH_AGENCY:
            fields["current_agency"] = ubnd_dbp
        Report.objects.filter(pk=report.pk).update(**fields)
        if status in WITH_AGENCY:
            assignment = Assignment.objects.create(report=report, agency=ubnd_dbp, assigned_by=ioc)
            assignment.coordinators.set([other_agency])
        if status in (Status.RESULT_SUBMITTED, Status.PUBLISHED):
            published = status == Status.PUBLISHED
            Result.objects.create(
                report=report,
                agency=ubnd_dbp,
                author=officer,
                text="Đã xử lý xong.",
                state=Result.State.PUBLISHED if published else Result.State.SUBMITTED,
                is_public=published and not private_result,
            )
        report.refresh_from_db()
        return report

    return _make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back what a flush limited to `available_apps` removed from shared tables.

    Such a flush truncates auth's permission table and skips post_migrate, so later tests
    (of any app) would find no permissions; re-emitting post_migrate recreates them.
    """
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("available_apps"):
        return
    from django.core.management.sql import emit_post_migrate_signal
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
