"""Who files for someone else (the hotline, a volunteer), who approves volunteers, what a
volunteer sees of the reports they filed, and who may claim a report filed for them."""

from django.db.models import QuerySet

from reports.models import Report, Role, User, VolunteerApplication
from reports.policy.roles import (
    CITIZEN_ROLES,
    AnyUser,
    user_authenticated,
    user_is_ioc,
    user_is_volunteer,
)

# Reports typed in for a reporter who has no account of their own with it: they may claim it.
CLAIMABLE_CHANNELS = frozenset({Report.Channel.PHONE, Report.Channel.ASSISTED})
# The channel accounts (reports.services.drafts.channel_account) are named after the channel.
CHANNEL_ACCOUNT_PREFIX = "kenh-"


def user_may_take_calls(user: AnyUser) -> bool:
    """The hotline: an IOC operator files for a caller."""
    return user_is_ioc(user)


def user_may_assist(user: AnyUser) -> bool:
    """An approved volunteer files for a citizen present with them."""
    return user_is_volunteer(user)


def user_may_decide_volunteers(user: AnyUser) -> bool:
    return user_is_ioc(user)


def user_may_apply_as_volunteer(user: AnyUser) -> bool:
    """Citizens only: staff already have their own ways in, and a volunteer is one already."""
    return user_authenticated(user) and not user.is_superuser and user.role == Role.CITIZEN


def volunteer_applications_visible(*, user: AnyUser) -> QuerySet[VolunteerApplication]:
    """The IOC sees every application; an applicant their own."""
    if user_is_ioc(user):
        return VolunteerApplication.objects.all()
    if user_authenticated(user):
        return VolunteerApplication.objects.filter(user=user)
    return VolunteerApplication.objects.none()


def reports_filed_for_others(*, user: AnyUser) -> QuerySet[Report]:
    """What a volunteer typed in for others: listed by reference and status only (the
    reporter's identity is theirs, not the volunteer's, once filed)."""
    if not user_authenticated(user):
        return Report.objects.none()
    return Report.objects.filter(filed_by=user, channel=Report.Channel.ASSISTED)


def user_is_channel_account(user: User) -> bool:
    return not user.is_active and user.username.startswith(CHANNEL_ACCOUNT_PREFIX)


def phone_key(phone: str) -> str:
    """A Vietnamese number in one spelling (0912…, +84 912…, 84912… are the same phone)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        return "0" + digits[2:]
    return digits


def report_claimable(*, user: AnyUser, report: Report) -> bool:
    """A signed-in citizen may ask to claim a hotline or assisted report still held by its
    channel account, when their account's phone is the one the report was filed with. The
    phone is only a first filter (anyone may type any number into their account): the claim
    needs the code texted to that phone."""
    if not user_authenticated(user) or user.is_superuser or user.role not in CITIZEN_ROLES:
        return False
    if user_is_channel_account(user) or not user.phone:
        return False
    if report.channel not in CLAIMABLE_CHANNELS or report.filed_by_id == user.pk:
        return False
    identity = getattr(report, "identity", None)
    if identity is None or identity.wiped_at or not identity.phone:
        return False
    return user_is_channel_account(identity.user) and phone_key(identity.phone) == phone_key(
        user.phone
    )
