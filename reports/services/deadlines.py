"""The periodic deadline sweep: flag overdue cases, send the day-6 status notice."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext

from reports.deadlines import deadline_after, overdue_q, report_deadline, report_is_overdue
from reports.models import Report, ResponseTemplate, Transition
from reports.record_text import record_text
from reports.selectors import response_templates_for
from reports.services.common import transition_record
from reports.services.contact import user_language

Status = Report.Status


@dataclass(frozen=True)
class SweepOutcome:
    overdue: list[int]
    notices: list[int]


def _overdue_flag(*, report_id: int, now: datetime) -> bool:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.is_overdue or not report_is_overdue(report, now=now):
            return False
        due = report_deadline(report)
        report.is_overdue = True
        report.save(update_fields=["is_overdue", "updated_at"])
        transition_record(
            report=report,
            action=Transition.Action.OVERDUE,
            actor=None,
            reason=record_text(f"Quá hạn từ {timezone.localtime(due):%d/%m/%Y %H:%M}."),
            public=False,
        )
        return True


def _status_notice(*, report_id: int, now: datetime) -> bool:
    """QĐ 663: after 6 working days without an answer the reporter is told where things stand."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("current_agency", "identity__user")
            .get(pk=report_id)
        )
        if report.status_notice_sent_at or not report.is_open:
            return False
        start = report.assigned_at or report.created_at
        notice_due = deadline_after(moment=start, days=settings.REPORTS_STATUS_NOTICE_WORKING_DAYS)
        if notice_due >= now:
            return False
        # Addressed to the reporter: in their language (the case page shows the same text).
        with translation.override(user_language(report.identity.user)):
            notice = _notice_text(report=report)
        report.status_notice_sent_at = now
        report.save(update_fields=["status_notice_sent_at", "updated_at"])
        transition_record(
            report=report,
            action=Transition.Action.STATUS_NOTICE,
            actor=None,
            reason=notice,
        )
        return True


class _Blank(dict):
    def __missing__(self, key):  # a placeholder the template misspelt stays visible, no error
        return "{" + key + "}"


def _notice_values(report: Report) -> _Blank:
    """The template's placeholders, in the active language."""
    handler = report.current_agency.name if report.current_agency_id else gettext("Trung tâm IOC")
    due = ""
    if report.due_at:
        due = " " + gettext("Hạn xử lý: %(due)s.") % {
            "due": f"{timezone.localtime(report.due_at):%d/%m/%Y}"
        }
    return _Blank(trang_thai=report.get_status_display(), co_quan=handler, han=due)


def _notice_text(*, report: Report) -> str:
    """The category's status-notice template (admin), or the general one, filled in. The
    admin's text is Vietnamese, so its values are too; the general one is in the active
    language."""
    template = response_templates_for(
        kinds=[ResponseTemplate.Kind.STATUS_NOTICE], category_id=report.category_id
    ).first()
    if template is not None:
        with translation.override(settings.LANGUAGE_CODE):
            values = _notice_values(report)
        try:
            return template.body.format_map(values)
        except (ValueError, IndexError):  # a stray brace in the admin's text
            pass
    values = _notice_values(report)
    return (
        gettext("Phản ánh đang ở trạng thái “%(status)s”, do %(handler)s xử lý.")
        % {"status": values["trang_thai"], "handler": values["co_quan"]}
        + values["han"]
    )


def _no_progress(items, **kwargs):
    return items


def reports_deadlines_check(
    *, now: datetime | None = None, progress: Callable = _no_progress
) -> SweepOutcome:
    """Flag overdue cases and send due status notices; `progress` wraps each pass (tqdm)."""
    now = now or timezone.now()
    open_reports = Report.objects.filter(status__in=Report.OPEN_STATUSES)
    overdue_candidates = Report.objects.filter(overdue_q(now=now), is_overdue=False).values_list(
        "pk", flat=True
    )
    overdue = [
        pk
        for pk in progress(list(overdue_candidates), desc="Quá hạn")
        if _overdue_flag(report_id=pk, now=now)
    ]
    # Working days are never fewer than calendar days, so this bound only narrows the scan.
    min_days = settings.REPORTS_STATUS_NOTICE_WORKING_DAYS
    notice_candidates = (
        open_reports.filter(status_notice_sent_at__isnull=True)
        .annotate(started=Coalesce("assigned_at", "created_at"))
        .filter(started__lt=now - timedelta(days=min_days))
        .values_list("pk", flat=True)
    )
    notices = [
        pk
        for pk in progress(list(notice_candidates), desc="Thông báo tình trạng")
        if _status_notice(report_id=pk, now=now)
    ]
    return SweepOutcome(overdue=overdue, notices=notices)
