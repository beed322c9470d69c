"""Citizens' rights under Law 91/2025: consent recorded with the notice version, a full export,
correction, erasure by anonymisation (cases and statistics stay whole), identity retention."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from privacy import services as privacy
from reports.models import AuditLog, ProcessingConsent, Report, ReporterIdentity
from reports.services import citizen, workflow
from tests.reports.conftest import REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db


def test_each_submission_records_consent_with_the_notice_version(submit, reporter, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-12"
    report = submit()
    consent = ProcessingConsent.objects.get(user=reporter)
    assert (consent.context, consent.notice_version, consent.report) == (
        "submit",
        "2026-12",
        report,
    )


def test_registration_records_consent_with_the_notice_version(api_client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-12"
    response = api_client.post(
        reverse("auth-register"),
        {"username": "dan09", "password": "Dien-Bien-1954", "full_name": "Quàng Văn C",
         "phone": "0987654321"},
    )  # fmt: skip
    assert response.status_code == 201
    consent = ProcessingConsent.objects.get(user__username="dan09")
    assert (consent.context, consent.notice_version) == ("register", "2026-12")


def test_the_export_holds_everything_about_the_citizen_and_nothing_of_others(
    client, submit, reporter, stranger, ioc, ubnd_dbp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(full_name=REPORTER_NAME, phone=REPORTER_PHONE, email=REPORTER_EMAIL)
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    citizen.comment_add(actor=reporter, report=report, body="Vẫn còn rác.")
    citizen.identity_consent_grant(actor=reporter, report=report)
    submit(user=stranger, full_name="Người Khác", phone="0900000001")
    _sign_in(client, stranger.username, "sai")
    _sign_in(client, reporter.username, "mat-khau-thu-1")
    response = client.get(reverse("privacy:account-export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == reporter.username
    assert data["identities_on_reports"][0]["phone"] == REPORTER_PHONE
    assert [r["reference"] for r in data["reports"]] == [report.reference]
    assert data["comments"][0]["body"] == "Vẫn còn rác."
    assert data["identity_consents"][0]["agency"] == ubnd_dbp.name
    assert data["processing_consents"][0]["context"] == "submit"
    assert data["notifications"]  # the assignment was notified
    assert [s["address"] for s in data["signins"]] == ["127.0.0.1"]
    assert "Người Khác" not in response.content.decode()
    api = client.get(reverse("me-data"))
    assert api.status_code == 200 and json.loads(api.content)["reports"] == data["reports"]


def test_the_citizen_corrects_account_data_with_the_same_input_rules(api_client, reporter):
    api_client.force_authenticate(reporter)
    bad = api_client.put(reverse("me"), {"full_name": "Lò Văn B", "phone": "12ab"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "phone"
    ok = api_client.put(
        reverse("me"), {"full_name": "Lò Văn B", "phone": "0987654321"}, format="json"
    )
    assert ok.status_code == 200
    reporter.refresh_from_db()
    assert (reporter.full_name, reporter.phone) == ("Lò Văn B", "0987654321")


def test_erasure_anonymises_the_account_and_keeps_the_case(
    client, submit, reporter, ioc, ubnd_dbp, officer
):
    report = submit(full_name=REPORTER_NAME, phone=REPORTER_PHONE, email=REPORTER_EMAIL)
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    citizen.identity_consent_grant(actor=reporter, report=report)
    client.force_login(reporter)
    wrong = client.post(reverse("privacy:account-erase"), {"password": "sai"})
    assert wrong.status_code == 302 and ReporterIdentity.objects.get().phone == REPORTER_PHONE
    done = client.post(reverse("privacy:account-erase"), {"password": "mat-khau-thu-1"})
    assert done.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.is_active and not reporter.has_usable_password()
    assert REPORTER_NAME not in (reporter.username, reporter.full_name)
    assert (reporter.phone, reporter.email) == ("", "")
    identity = ReporterIdentity.objects.get()
    assert (identity.full_name, identity.phone, identity.email) == (
        ReporterIdentity.ERASED_NAME,
        "",
        "",
    )
    assert not identity.consents.filter(revoked_at__isnull=True).exists()
    # The case goes on: still in the queue and handled to the end.
    assert Report.objects.get(pk=report.pk).status == Report.Status.ASSIGNED
    workflow.result_submit(actor=officer, report=report, text="Đã xử lý")
    workflow.result_publish(actor=ioc, report=report)
    entry = AuditLog.objects.get(action=AuditLog.Action.ACCOUNT_ERASE)
    assert entry.subject_user == reporter
    # The session ended with the account.
    assert client.get(reverse("privacy:account")).status_code == 302


def test_staff_cannot_erase_themselves(api_client, ioc):
    ioc.set_password("mat-khau-thu-1")
    ioc.save()
    api_client.force_authenticate(ioc)
    response = api_client.post(reverse("me-erase"), {"password": "mat-khau-thu-1"})
    assert response.status_code == 403


def test_retention_wipes_identities_of_long_closed_cases_only(submit, settings, reporter):
    settings.REPORTS_IDENTITY_RETENTION_DAYS = 30
    old, recent, still_open = submit(), submit(), submit()
    long_ago = timezone.now() - timedelta(days=31)
    Report.objects.filter(pk=old.pk).update(status="rejected", closed_at=long_ago)
    Report.objects.filter(pk=recent.pk).update(status="rejected", closed_at=timezone.now())
    Report.objects.filter(pk=still_open.pk).update(closed_at=long_ago)  # open: kept
    call_command("reports_identities_purge", "--dry-run")
    assert ReporterIdentity.objects.filter(wiped_at__isnull=False).count() == 0
    assert privacy.identities_retention_purge() == 1
    assert privacy.identities_retention_purge() == 0  # idempotent
    wiped = ReporterIdentity.objects.get(wiped_at__isnull=False)
    assert wiped.report_id == old.pk and wiped.full_name == ReporterIdentity.EXPIRED_NAME
    assert Report.objects.count() == 3  # statistics keep every case


def test_the_privacy_notice_page_exists_in_plain_vietnamese(client):
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Luật Bảo vệ dữ liệu cá nhân" in page and "Quyền của bạn" in page


def _sign_in(client, username: str, password: str) -> None:
    client.post(reverse("reports-web:login"), {"username": username, "password": password})


def test_signin_records_are_purged_after_their_retention_period(client, reporter, settings):
    settings.SIGNIN_LOG_RETENTION_DAYS = 90
    _sign_in(client, reporter.username, "mat-khau-thu-1")
    _sign_in(client, reporter.username, "sai")
    assert AccessLog.objects.count() == 1 and AccessAttempt.objects.count() == 1
    assert privacy.signin_logs_purge() == 0  # fresh records stay
    later = timezone.now() + timedelta(days=91)
    assert privacy.signin_logs_purge(now=later) == 2
    assert not AccessLog.objects.exists() and not AccessAttempt.objects.exists()


def test_erasure_removes_the_citizens_signin_records(client, reporter, stranger):
    _sign_in(client, reporter.username, "mat-khau-thu-1")
    _sign_in(client, stranger.username, "sai")
    privacy.user_erase(user=reporter, password="mat-khau-thu-1")
    assert list(AccessLog.objects.values_list("username", flat=True)) == []
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [stranger.username]


def test_a_channel_s_way_back_to_the_reporter_is_erased_and_expires(
    api_client, reporter, category, ioc, settings
):
    from reports.models import ReportDraft
    from reports.services.drafts import draft_create, draft_discard, draft_file
    from tests.reports.conftest import DBP

    settings.REPORTS_IDENTITY_RETENTION_DAYS = 30
    mine = draft_create(
        channel="zalo", description="Đèn hỏng", sender="zalo-123", user=reporter, full_name="A"
    ).draft
    old = draft_create(channel="email", description="Khiếu nại", sender="x@example.test").draft
    draft_discard(draft=old, actor=ioc, reason="Khiếu nại")
    ReportDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    filed = draft_file(draft=mine, actor=ioc, category=category, lon=DBP[0], lat=DBP[1])
    assert ReportDraft.objects.get(pk=filed.pk).sender == "zalo-123"

    privacy.identities_retention_purge()
    assert ReportDraft.objects.get(pk=old.pk).sender == ""  # discarded long ago: expired
    assert ReportDraft.objects.get(pk=mine.pk).sender == "zalo-123"  # its case is open

    reporter.set_password("mat-khau-thu-1")
    reporter.save()
    api_client.force_authenticate(reporter)
    assert api_client.post(reverse("me-erase"), {"password": "mat-khau-thu-1"}).status_code < 300
    assert ReportDraft.objects.get(pk=mine.pk).sender == ""
