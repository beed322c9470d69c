"""Even a superuser reading a reporter's identity in the Django admin leaves an audit entry."""

import pytest

from reports.models import AuditLog
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_opening_an_identity_in_the_admin_is_audited(client, report):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(f"/admin/reports/reporteridentity/{report.identity.pk}/change/")
    assert response.status_code == 200
    entry = AuditLog.objects.get(report=report, actor=admin)
    assert entry.action == AuditLog.Action.IDENTITY_READ
    assert entry.reason == "Xem trong trang quản trị"
    assert report.identity.phone not in entry.reason


def test_the_identity_list_shows_no_identity_and_writes_nothing(client, report):
    admin = UserFactory(username="quantri2", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/reports/reporteridentity/")
    assert response.status_code == 200
    assert report.identity.phone not in response.content.decode()
    assert not AuditLog.objects.filter(report=report).exists()
