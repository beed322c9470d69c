"""What a reporter who came through Zalo hears afterwards: the reference once the report is
filed, then the events reporters hear about (reports.services.notifications.CITIZEN_ACTIONS),
the published result among them. Only the report's own sender is ever told, of that report."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import Report, ReportDraft, Result, Transition
from reports.services.notifications import CITIZEN_ACTIONS
from zalo.models import Reply
from zalo.services import in_portal_language, reply_enqueue

Action = Transition.Action


def _link(report: Report) -> str:
    path = reverse("reports-web:detail", kwargs={"reference": report.reference})
    return settings.NOTIFY_PORTAL_URL.rstrip("/") + path


def _result_text(report: Report) -> str:
    result = (
        Result.objects.filter(report=report, state=Result.State.PUBLISHED)
        .order_by("-decided_at", "-pk")
        .first()
    )
    return (result.edited_text or result.text) if result else ""


def notice_text(*, transition: Transition) -> str:
    report = transition.report
    if transition.action == Action.SUBMIT:
        lines = [
            _("Phản ánh “%(title)s” của bạn đã được tiếp nhận. Mã phản ánh: %(reference)s.")
            % {"title": report.title, "reference": report.reference}
        ]
    else:
        lines = [
            _("Phản ánh %(reference)s: %(action)s.")
            % {"reference": report.reference, "action": transition.get_action_display()},
            _("Trạng thái: %(status)s.") % {"status": Report.Status(transition.to_status).label},
        ]
        if transition.reason:
            lines.append(transition.reason)
        if transition.action == Action.PUBLISH and (result := _result_text(report)):
            lines.append(_("Kết quả xử lý: %(result)s") % {"result": result})
    lines.append(_("Theo dõi tại: %(link)s") % {"link": _link(report)})
    return "\n".join(lines)


@in_portal_language
def transition_hear(*, transition: Transition) -> Reply | None:
    """The receiver of reports.signals.transition_delivered (in the relay's transaction): one
    answer to the Zalo user who reported, once per event; heard twice, nothing more."""
    report = transition.report
    if report.channel != Report.Channel.ZALO:
        return None
    if not (transition.public and transition.action in CITIZEN_ACTIONS):
        return None
    sender = (
        ReportDraft.objects.filter(report_id=report.pk, channel=Report.Channel.ZALO)
        .values_list("sender", flat=True)
        .first()
    )
    if not sender:
        return None
    return reply_enqueue(
        key=f"transition:{transition.pk}",
        user_id=sender,
        text=notice_text(transition=transition),
    )


@in_portal_language
def draft_discarded_hear(*, draft: ReportDraft) -> Reply | None:
    """reports.signals.draft_discarded: the Zalo user is told once why the IOC did not take
    the conversation in as a field report."""
    if draft.channel != Report.Channel.ZALO or not draft.sender:
        return None
    text = _(
        "Trung tâm IOC không tiếp nhận tin nhắn này là một phản ánh hiện trường. Lý do: %(reason)s"
    ) % {"reason": draft.discard_reason}
    return reply_enqueue(key=f"discarded:{draft.pk}", user_id=draft.sender, text=text)
