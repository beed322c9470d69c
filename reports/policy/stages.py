"""The IOC's working stages: which reports wait for it, and at which step. The inbox's tabs,
their counts and any other screen of the IOC's work ask here."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reports.models import Extension, Rating, Report, Transition
from reports.policy.visibility import OPEN_Q

Status = Report.Status


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    help: str
    q: Q


def _pending_extension() -> Q:
    pending = Extension.objects.filter(report=OuterRef("pk"), state=Extension.State.PENDING)
    return Q(Exists(pending))


def _disputed() -> Q:
    """A published result the reporter is unhappy with: rated "Không hài lòng" or answered."""
    unhappy = Rating.objects.filter(report=OuterRef("pk"), value=Rating.Value.UNSATISFIED)
    replied = Transition.objects.filter(report=OuterRef("pk"), action=Transition.Action.REPLY)
    return Q(status=Status.PUBLISHED) & (Q(Exists(unhappy)) | Q(Exists(replied)))


INBOX_STAGES = (
    Stage(
        "can-xu-ly",
        _("Cần xử lý"),
        _("Chờ tiếp nhận, chờ duyệt kết quả và mọi phản ánh quá hạn."),
        Q(status__in=Report.IOC_INBOX_STATUSES) | (Q(is_overdue=True) & OPEN_Q),
    ),
    Stage(
        "cho-tiep-nhan",
        _("Chờ tiếp nhận"),
        _("Phản ánh mới và phản ánh cơ quan chuyển lại IOC: xác minh, giao hoặc từ chối."),
        Q(status__in=(Status.SUBMITTED, Status.RETURNED)),
    ),
    Stage(
        "cho-duyet-ket-qua",
        _("Chờ duyệt kết quả"),
        _("Cơ quan đã gửi kết quả: duyệt công bố hoặc trả lại."),
        Q(status=Status.RESULT_SUBMITTED),
    ),
    Stage(
        "xin-gia-han",
        _("Xin gia hạn"),
        _("Cơ quan xin thêm thời gian: duyệt hoặc không duyệt."),
        OPEN_Q & _pending_extension(),
    ),
    Stage(
        "qua-han",
        _("Quá hạn"),
        _("Đã quá hạn tiếp nhận hoặc hạn xử lý."),
        Q(is_overdue=True) & OPEN_Q,
    ),
    Stage(
        "khong-hai-long",
        _("Bị phản hồi / không hài lòng"),
        _("Người phản ánh không hài lòng hoặc phản hồi kết quả: xem xét mở lại."),
        _disputed(),
    ),
    Stage("khan", _("Khẩn"), _("Phản ánh khẩn cấp chưa kết thúc."), Q(urgent=True) & OPEN_Q),
    Stage("tat-ca", _("Tất cả"), _("Mọi phản ánh, để tra cứu."), Q()),
)
INBOX_STAGE_CODES = {stage.code: stage for stage in INBOX_STAGES}
INBOX_DEFAULT_STAGE = INBOX_STAGES[0].code
