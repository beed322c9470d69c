"""Reports typed in for someone else: the hotline (an IOC operator for a caller, channel
`phone`) and assisted reporting (an approved volunteer for a citizen present with them,
channel `assisted`). The reporter's identity and consent are recorded exactly as a citizen's
own (ReporterIdentity, ProcessingConsent, through report_submit), held by the channel's
account until the reporter claims the report (reports.services.claims); who typed it in is
`filed_by`, credited on the timeline."""

from django.utils.translation import gettext as _

from reports import policy
from reports.errors import ReportForbidden, ReportInvalid
from reports.inputs import NAME_MAX, input_text
from reports.models import Report, User
from reports.services.drafts import DraftOutcome, channel_account, draft_create
from reports.services.submission import SubmitOutcome, report_submit
from routing_rules.models import Category

Channel = Report.Channel


def _may_file(actor: User, channel: str) -> bool:
    if channel == Channel.PHONE:
        return policy.user_may_take_calls(actor)
    if channel == Channel.ASSISTED:
        return policy.user_may_assist(actor)
    return False


def _checked(*, actor: User, channel: str, consent: bool, full_name: str) -> str:
    if not _may_file(actor, channel):
        raise ReportForbidden(_("Bạn không được nhận phản ánh hộ qua kênh này."), field="channel")
    if not consent:
        raise ReportInvalid(
            _("Cần xác nhận người phản ánh đồng ý cho xử lý thông tin cá nhân."), field="consent"
        )
    return input_text(
        full_name, field="full_name", label=_("Họ và tên người phản ánh"), max_length=NAME_MAX
    )


def report_draft_on_behalf(
    *,
    actor: User,
    channel: str,
    consent: bool,
    category: Category,
    title: str,
    description: str,
    full_name: str,
    phone: str,
    email: str = "",
    urgent: bool = False,
    files: list | None = None,
    external_id: str | None = None,
) -> DraftOutcome:
    """The caller cannot say where it is yet: kept as a draft on the IOC's page, where the
    place is found later (old or new names); filed then like any other draft, with the same
    identity and consent."""
    full_name = _checked(actor=actor, channel=channel, consent=consent, full_name=full_name)
    if not phone:
        raise ReportInvalid(_("Cần nhập số điện thoại người phản ánh."), field="phone")
    return draft_create(
        channel=channel,
        description=description,
        title=title,
        filed_by=actor,
        category=category,
        urgent=urgent,
        full_name=full_name,
        phone=phone,
        email=email,
        files=files,
        external_id=external_id,
    )


def report_file_on_behalf(
    *,
    actor: User,
    channel: str,
    consent: bool,
    category: Category,
    title: str,
    description: str,
    lon: float,
    lat: float,
    full_name: str,
    phone: str,
    email: str = "",
    urgent: bool = False,
    location_source: str = Report.LocationSource.PIN,
    files: list | None = None,
    idempotency_key: str | None = None,
) -> SubmitOutcome:
    """File for a reporter who told the operator or the volunteer what happened. Their consent
    to the processing is required, and their name and phone (the channel account has none to
    fall back on); the account of the channel holds the report, never the actor's."""
    full_name = _checked(actor=actor, channel=channel, consent=consent, full_name=full_name)
    return report_submit(
        user=channel_account(channel=channel),
        category=category,
        title=title,
        description=description,
        lon=lon,
        lat=lat,
        full_name=full_name,
        phone=phone,
        email=email,
        urgent=urgent,
        location_source=location_source,
        files=files,
        idempotency_key=idempotency_key,
        input_fields={"idempotency_key": "idempotency_key"},
        channel=channel,
        filed_by=actor,
    )
