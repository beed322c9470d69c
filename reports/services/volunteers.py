"""Volunteers (a Youth Union member, a commune's women's union…): a citizen applies, the IOC
approves or refuses; only an approval makes the account a VOLUNTEER, and the row keeps who
decided and when."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.models import AdminUnit
from reports import policy
from reports.errors import ReportForbidden, ReportStateConflict
from reports.inputs import DESCRIPTION_MAX, input_text
from reports.models import Role, User, VolunteerApplication

State = VolunteerApplication.State
ORGANISATION_MAX = 200


def volunteer_apply(*, user: User, organisation: str, commune: AdminUnit) -> VolunteerApplication:
    if not policy.user_may_apply_as_volunteer(user):
        raise ReportForbidden(
            _("Chỉ tài khoản người dân mới đăng ký làm tình nguyện viên."), field="organisation"
        )
    organisation = input_text(
        organisation, field="organisation", label=_("Tổ chức"), max_length=ORGANISATION_MAX
    )
    try:
        with transaction.atomic():
            return VolunteerApplication.objects.create(
                user=user, organisation=organisation, commune=commune
            )
    except IntegrityError:
        raise ReportStateConflict(
            _("Bạn đã có một đăng ký đang chờ IOC xét duyệt."), field="organisation"
        ) from None


def volunteer_decide(
    *, actor: User, application: VolunteerApplication, approve: bool, reason: str = ""
) -> VolunteerApplication:
    """Approve (the account becomes a volunteer) or refuse (with the reason, shown to the
    applicant). A decided application stays as it is: a new one is needed to ask again."""
    if not policy.user_may_decide_volunteers(actor):
        raise ReportForbidden(_("Chỉ cán bộ IOC được xét duyệt tình nguyện viên."), field="state")
    reason = input_text(
        reason, field="reason", label=_("Lý do"), max_length=DESCRIPTION_MAX, required=not approve
    )
    with transaction.atomic():
        locked = VolunteerApplication.objects.select_for_update().get(pk=application.pk)
        if locked.state != State.PENDING:
            raise ReportStateConflict(_("Đăng ký này đã được xét duyệt."), field="state")
        applicant = User.objects.select_for_update().get(pk=locked.user_id)
        if approve and applicant.role != Role.CITIZEN:
            raise ReportStateConflict(
                _("Tài khoản này không còn là tài khoản người dân."), field="state"
            )
        locked.state = State.APPROVED if approve else State.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        if approve:
            applicant.role = Role.VOLUNTEER
            applicant.save(update_fields=["role"])
    return locked
