"""The admin: a webhook's address must be https (plain http only to this machine where the
setting allows it), its secret is typed and never shown back; the delivery log is read-only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forwarding.admin import AgencyWebhookForm
from forwarding.models import AgencyWebhook, Delivery
from outbox.services import outbox_relay
from reports.models import Role
from reports.services import workflow
from tests.forwarding.conftest import SECRET
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def form(agency, url, secret=SECRET, instance=None):
    data = {"agency": agency.pk, "url": url, "is_active": "on", "new_secret": secret}
    return AgencyWebhookForm(data=data, instance=instance)


@pytest.mark.parametrize(
    ("allow_http", "url", "valid"),
    [
        (False, "https://eoffice.dienbien.gov.vn/api/hook", True),
        (False, "http://eoffice.dienbien.gov.vn/api/hook", False),
        (False, "http://127.0.0.1:8080/hook", False),
        (True, "http://127.0.0.1:8080/hook", True),
        (True, "http://localhost:8080/hook", True),
        (True, "http://eoffice.dienbien.gov.vn/api/hook", False),
        (False, "https://user:pass@eoffice.dienbien.gov.vn/hook", False),
        (False, "ftp://eoffice.dienbien.gov.vn/hook", False),
    ],
)
def test_a_webhook_address_is_https_or_local_http_where_allowed(
    settings, ubnd_dbp, allow_http, url, valid
):
    settings.FORWARDING_ALLOW_HTTP = allow_http
    bound = form(ubnd_dbp, url)
    assert bound.is_valid() is valid, bound.errors
    if not valid:
        assert "url" in bound.errors


def test_the_secret_is_required_long_and_kept_when_left_blank(ubnd_dbp):
    url = "https://eoffice.dienbien.gov.vn/hook"
    assert "new_secret" in form(ubnd_dbp, url, secret="").errors
    assert "new_secret" in form(ubnd_dbp, url, secret="ngan-qua").errors
    created = form(ubnd_dbp, url)
    assert created.is_valid(), created.errors
    hook = created.save()
    assert hook.secret == SECRET
    edited = form(ubnd_dbp, "https://eoffice.dienbien.gov.vn/hook2", secret="", instance=hook)
    assert edited.is_valid(), edited.errors
    edited.save()
    hook.refresh_from_db()
    assert (hook.url, hook.secret) == ("https://eoffice.dienbien.gov.vn/hook2", SECRET)


def test_the_admin_shows_the_secret_masked_and_the_log_read_only(
    client, submit, ioc, officer, ubnd_dbp, hook, receiver
):
    report = submit()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    outbox_relay()
    root = UserFactory(username="quantri-chuyen", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("admin:forwarding_agencywebhook_change", args=[hook.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html and f"••••{SECRET[-4:]}" in html
    changelist = reverse("admin:forwarding_delivery_changelist")
    with CaptureQueriesContext(connection) as one:
        listing = client.get(changelist)
    assert listing.status_code == 200 and "report.assign" in listing.content.decode()
    workflow.report_start(actor=officer, report=report)
    outbox_relay()
    with CaptureQueriesContext(connection) as two:
        assert "report.start" in client.get(changelist).content.decode()
    assert len(two) == len(one)  # one page, whatever the number of rows
    delivery = Delivery.objects.first()
    detail = client.get(reverse("admin:forwarding_delivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and str(delivery.uuid) in detail.content.decode()
    assert client.get(reverse("admin:forwarding_delivery_add")).status_code == 403
    assert AgencyWebhook.objects.count() == 1
