"""The audit log is append-only in the database (the app's own role included) and read-only in
the admin, and every admin page showing a citizen's account data or an API token leaves an
entry, whoever opens it (superusers included)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from knox.models import AuthToken

from reports.models import (
    AuditLog,
    Comment,
    Follow,
    IdentityConsent,
    Notification,
    Rating,
    Report,
    Role,
)
from reports.services.identity import account_read_record, identity_read_record
from tests.reports.conftest import REPORTER_NAME, REPORTER_PHONE
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_READ = AuditLog.Action.ACCOUNT_READ


@pytest.fixture
def entry(report, ioc):
    return identity_read_record(actor=ioc, report=report, reason="Xác minh người phản ánh")


@pytest.fixture
def root(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True, role=Role.ADMIN)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def refused(sql: str, params=()) -> str:
    """Run `sql` as the application's own role; return the database's refusal."""
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(error.value)


def checks_settled() -> None:
    """Run the deferred foreign-key checks of this test's inserts now: PostgreSQL refuses a
    TRUNCATE while they are pending, before any trigger could answer."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reads_of(subject, actor) -> list[tuple[str, int | None, str]]:
    rows = AuditLog.objects.filter(subject_user=subject, actor=actor).order_by("id")
    return list(rows.values_list("action", "report_id", "reason"))


# The database refuses every rewrite of the record.


def test_the_app_role_cannot_update_an_audit_row_in_sql(entry):
    message = refused("UPDATE reports_auditlog SET reason = %s WHERE id = %s", ["sửa", entry.pk])
    assert "append-only: UPDATE" in message
    entry.refresh_from_db()
    assert entry.reason == "Xác minh người phản ánh"


def test_the_app_role_cannot_delete_an_audit_row_in_sql(entry):
    assert "append-only: DELETE" in refused("DELETE FROM reports_auditlog")
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_orm_update_save_and_delete_of_audit_rows_fail(entry):
    for attempt in (
        lambda: AuditLog.objects.filter(pk=entry.pk).update(reason="sửa"),
        lambda: AuditLog.objects.all().delete(),
        lambda: entry.delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.reason = "sửa"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()
    assert list(AuditLog.objects.values_list("reason", flat=True)) == ["Xác minh người phản ánh"]


def test_truncating_a_non_empty_log_fails_even_by_cascade(entry):
    checks_settled()
    assert "append-only: TRUNCATE" in refused("TRUNCATE reports_auditlog")
    assert "append-only: TRUNCATE" in refused("TRUNCATE reports_report CASCADE")
    assert AuditLog.objects.filter(pk=entry.pk).exists()
    assert Report.objects.filter(pk=entry.report_id).exists()


def test_an_empty_log_may_be_truncated_as_the_test_suites_flush_does(report):
    # What a TransactionTestCase limited to `available_apps` runs between tests.
    checks_settled()
    tables = ["reports_report", "reports_auditlog"]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    with transaction.atomic():
        connection.ops.execute_sql_flush(statements)
        assert not Report.objects.exists()
        transaction.set_rollback(True)
    assert Report.objects.filter(pk=report.pk).exists()


def test_only_a_declared_maintenance_session_may_truncate_a_non_empty_log(entry):
    checks_settled()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.audit_maintenance = 'on'")
        cursor.execute("TRUNCATE reports_auditlog")
        assert not AuditLog.objects.exists()
        transaction.set_rollback(True)
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_deleting_a_report_or_an_account_cannot_take_its_audit_rows(entry, reporter, ioc):
    account_read_record(actor=ioc, subject=reporter, reason="Kiểm tra tài khoản")
    with pytest.raises(ProtectedError):
        entry.report.delete()
    with pytest.raises(ProtectedError):
        reporter.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'reports_auditlog'::regclass"
            " AND confrelid = 'reports_report'::regclass"
        )
        (fk_name,) = cursor.fetchone()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET CONSTRAINTS "{fk_name}" IMMEDIATE')
        cursor.execute("DELETE FROM reports_report WHERE id = %s", [entry.report_id])
    assert AuditLog.objects.count() == 2


def test_an_entry_must_name_a_report_or_an_account(ioc):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog.objects.create(actor=ioc, action=ACCOUNT_READ, reason="Không rõ")


# The admin only shows the log.


def test_even_a_superuser_cannot_add_change_or_delete_audit_entries(admin_client, entry):
    change = reverse("admin:reports_auditlog_change", args=[entry.pk])
    delete = reverse("admin:reports_auditlog_delete", args=[entry.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"reason": "sửa"}).status_code == 403
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:reports_auditlog_add")).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    admin_client.post(reverse("admin:reports_auditlog_changelist"), bulk)
    assert list(AuditLog.objects.values_list("reason", flat=True)) == ["Xác minh người phản ánh"]


def test_the_log_shows_whose_data_was_read_by_id_only(admin_client, root, reporter, ioc):
    read = account_read_record(actor=ioc, subject=reporter, reason="Kiểm tra tài khoản")
    page = admin_client.get(reverse("admin:reports_auditlog_change", args=[read.pk]))
    assert page.status_code == 200
    assert str(reporter.pk) in page.content.decode()
    assert reporter.username not in page.content.decode()
    assert not AuditLog.objects.filter(actor=root).exists()


# Every page showing a citizen's account data is audited, whoever reads.


def test_opening_a_citizens_account_in_the_admin_is_audited(admin_client, root, reporter):
    page = admin_client.get(reverse("admin:reports_user_change", args=[reporter.pk]))
    assert page.status_code == 200
    assert REPORTER_PHONE in page.content.decode()
    assert reads_of(reporter, root) == [(ACCOUNT_READ, None, "Xem trong trang quản trị")]
    entry = AuditLog.objects.get(actor=root)
    assert REPORTER_PHONE not in entry.reason and REPORTER_NAME not in entry.reason


def test_a_citizens_account_reshown_after_a_rejected_edit_is_audited(admin_client, root, reporter):
    change = reverse("admin:reports_user_change", args=[reporter.pk])
    page = admin_client.post(change, {"username": "", "role": Role.CITIZEN})
    assert page.status_code == 200
    assert reads_of(reporter, root) == [(ACCOUNT_READ, None, "Xem trong trang quản trị")]


def test_opening_a_staff_account_writes_nothing(admin_client, ioc):
    assert admin_client.get(reverse("admin:reports_user_change", args=[ioc.pk])).status_code == 200
    assert not AuditLog.objects.exists()


def test_the_account_list_audits_each_citizen_it_shows(admin_client, root, reporter, stranger, ioc):
    page = admin_client.get(reverse("admin:reports_user_changelist"))
    assert page.status_code == 200
    assert reporter.username in page.content.decode()
    listed = "Xem danh sách trong trang quản trị"
    assert reads_of(reporter, root) == [(ACCOUNT_READ, None, listed)]
    assert reads_of(stranger, root) == [(ACCOUNT_READ, None, listed)]
    assert not AuditLog.objects.filter(subject_user__in=[ioc, root]).exists()
    searched = admin_client.get(reverse("admin:reports_user_changelist"), {"q": "khong-co-ai"})
    assert searched.status_code == 200
    assert AuditLog.objects.filter(actor=root).count() == 2


def test_staff_shown_no_citizen_accounts_leave_no_account_reads(client, supervisor, reporter):
    supervisor.is_staff = True
    supervisor.save()
    supervisor.user_permissions.set(Permission.objects.filter(codename="view_user"))
    client.force_login(supervisor)
    page = client.get(reverse("admin:reports_user_changelist"))
    assert page.status_code == 200
    assert reporter.username not in page.content.decode()
    assert not AuditLog.objects.exists()


def test_the_delete_history_and_password_pages_of_a_citizen_are_audited(
    admin_client, root, reporter
):
    pages = {
        "admin:reports_user_delete": "Xem trang xóa trong trang quản trị",
        "admin:reports_user_history": "Xem lịch sử thay đổi trong trang quản trị",
        "admin:auth_user_password_change": "Xem trang đổi mật khẩu trong trang quản trị",
    }
    for name, reason in pages.items():
        assert admin_client.get(reverse(name, args=[reporter.pk])).status_code == 200, name
        assert reads_of(reporter, root)[-1] == (ACCOUNT_READ, None, reason)
    assert len(reads_of(reporter, root)) == 3


def test_identity_consents_list_and_form_are_audited(
    admin_client, root, report, reporter, ubnd_dbp
):
    consent = IdentityConsent.objects.create(identity=report.identity, agency=ubnd_dbp)
    assert admin_client.get(reverse("admin:reports_identityconsent_changelist")).status_code == 200
    change = reverse("admin:reports_identityconsent_change", args=[consent.pk])
    assert admin_client.get(change).status_code == 200
    assert reads_of(reporter, root) == [
        (ACCOUNT_READ, report.pk, "Xem danh sách trong trang quản trị"),
        (ACCOUNT_READ, report.pk, "Xem trong trang quản trị"),
    ]


@pytest.fixture
def citizen_records(make_report, reporter):
    report = make_report(Report.Status.PUBLISHED)
    rating = Rating.objects.create(
        report=report, result=report.results.get(), user=reporter, value="satisfied"
    )
    comment = Comment.objects.create(
        report=report, author=reporter, author_label="Người phản ánh", body="Cảm ơn."
    )
    follow = Follow.objects.create(report=report, user=reporter)
    notice = Notification.objects.create(user=reporter, report=report, title="Đã có kết quả")
    return report, {"rating": rating, "comment": comment, "follow": follow, "notification": notice}


def test_forms_naming_a_citizen_are_audited_for_superusers(
    admin_client, root, reporter, stranger, citizen_records
):
    report, records = citizen_records
    for model, record in records.items():
        page = admin_client.get(reverse(f"admin:reports_{model}_change", args=[record.pk]))
        assert page.status_code == 200, model
        # The account field is a raw id: the form names the one account, not every one.
        assert stranger.username not in page.content.decode(), model
    assert reads_of(reporter, root) == [(ACCOUNT_READ, report.pk, "Xem trong trang quản trị")] * 4
    for model in ("rating", "comment", "follow", "notification"):
        assert admin_client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    assert len(reads_of(reporter, root)) == 4


def test_staff_shown_no_account_on_a_record_leave_no_account_read(
    client, supervisor, reporter, citizen_records
):
    supervisor.is_staff = True
    supervisor.save()
    supervisor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_rating", "view_comment"])
    )
    client.force_login(supervisor)
    _, records = citizen_records
    for model in ("rating", "comment"):
        page = client.get(reverse(f"admin:reports_{model}_change", args=[records[model].pk]))
        assert page.status_code == 200, model
        assert reporter.username not in page.content.decode()
    assert not AuditLog.objects.exists()


def test_api_tokens_list_is_audited_whoever_owns_them_and_shows_no_digest(
    admin_client, root, reporter, ioc
):
    citizen_token = AuthToken.objects.create(user=reporter)[0]
    AuthToken.objects.create(user=ioc)
    page = admin_client.get(reverse("admin:knox_authtoken_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reporter.username in html
    for token in AuthToken.objects.all():
        assert token.digest not in html and token.token_key not in html
    # No page of one token: its URL would carry the digest.
    change = reverse("admin:knox_authtoken_change", args=[citizen_token.digest])
    assert admin_client.get(change).status_code in (302, 403)
    token_read = AuditLog.Action.TOKEN_READ
    assert reads_of(reporter, root) == [(token_read, None, "Xem danh sách trong trang quản trị")]
    assert reads_of(ioc, root) == [(token_read, None, "Xem danh sách trong trang quản trị")]
