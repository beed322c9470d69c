"""`make run DEMO=1`: a portal with reports and one account per role, never in production."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from devtools.demo import DEMO_ROLES
from reports.models import Report, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(env_category, road_category, ubnd_dbp):
    return [env_category, road_category]


def test_demo_loads_reports_and_prints_a_working_password_per_role(categories, capsys):
    call_command("demo_load", "--count", "120")
    out = capsys.readouterr().out
    assert Report.objects.filter(reference__startswith="SYNdemo-").count() == 120
    for username, role, _ in DEMO_ROLES:
        line = next(line for line in out.splitlines() if line.strip().startswith(username))
        password = line.split()[1]
        user = User.objects.get(username=username)
        assert user.is_active and user.role == role and user.check_password(password)
    officer = User.objects.get(username="demo-canbo")
    assert officer.agency.reports.exists()  # the officer's queue is not empty
    assert User.objects.get(username="demo-quantri").is_superuser
    assert not User.objects.get(username="demo-ioc").is_staff


def test_a_second_run_keeps_the_reports_and_changes_the_passwords(categories, capsys):
    call_command("demo_load", "--count", "60")
    first = capsys.readouterr().out
    call_command("demo_load", "--count", "60")
    second = capsys.readouterr().out
    assert Report.objects.filter(reference__startswith="SYNdemo-").count() == 60
    assert "Demo reports written: 0." in second
    assert first.split("demo-ioc")[1].split()[0] != second.split("demo-ioc")[1].split()[0]
    assert User.objects.filter(role=Role.IOC_OPERATOR, username="demo-ioc").count() == 1


def test_demo_is_refused_under_production_settings(categories):
    with (
        override_settings(SETTINGS_MODULE="gis_portal.settings.production"),
        pytest.raises(CommandError, match="production"),
    ):
        call_command("demo_load", "--count", "10")
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert not Report.objects.exists()
