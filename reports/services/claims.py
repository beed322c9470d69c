"""A reporter claims a report someone filed for them (the hotline, a volunteer): signed in
with an account whose phone is the report's, they ask for a one-time code, which is texted to
the phone the report was filed with; the right code moves the identity to their account, so
they are notified and find it in "my reports". Audited.

The code never leaves the worker that texts it: the outbox message names the claim only, the
consumer draws the code, keeps a keyed hash of it (HMAC with SECRET_KEY) and hands the code
to the SMS gateway alone. Five wrong codes lock the claim; a code lives ten minutes."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from reports import policy
from reports.errors import (
    ReportForbidden,
    ReportInvalid,
    ReportNotFound,
    ReportStateConflict,
    ReportThrottled,
)
from reports.models import (
    AuditLog,
    ProcessingConsent,
    Report,
    ReportClaim,
    ReporterIdentity,
    User,
)
from reports.services import sms

State = ReportClaim.State
CLAIM_CODE_TOPIC = "report.claim_code"
CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
# Each claim texts a code (and an SMS costs): per report, and per claimant, each hour.
CLAIMS_PER_REPORT_HOUR = 3
CLAIMS_PER_USER_HOUR = 5


def _code_hash(claim: ReportClaim, code: str) -> str:
    return salted_hmac("reports.claim_code", f"{claim.pk}:{code}", algorithm="sha256").hexdigest()


def claim_start(*, user: User, reference: str) -> ReportClaim:
    if not policy.user_authenticated(user):
        raise ReportForbidden(_("Hãy đăng nhập để nhận phản ánh."), field="reference")
    if not user.phone:
        raise ReportInvalid(
            _("Tài khoản của bạn chưa có số điện thoại: hãy bổ sung trong trang Tài khoản."),
            field="reference",
        )
    reference = (reference or "").strip().upper()
    report = Report.objects.select_related("identity__user").filter(reference=reference).first()
    # One answer whatever is wrong: which references exist, or with which phone, stays unsaid.
    if report is None or not policy.report_claimable(user=user, report=report):
        raise ReportInvalid(
            _(
                "Không có phản ánh gửi qua đường dây nóng hoặc tình nguyện viên nào mang mã "
                "này với số điện thoại của tài khoản bạn."
            ),
            field="reference",
        )
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = ReportClaim.objects.filter(created_at__gte=hour_ago)
    if (
        recent.filter(report=report).count() >= CLAIMS_PER_REPORT_HOUR
        or recent.filter(claimant=user).count() >= CLAIMS_PER_USER_HOUR
    ):
        raise ReportThrottled(
            _("Đã gửi mã nhiều lần trong một giờ qua; hãy thử lại sau."), field="reference"
        )
    with transaction.atomic():
        ReportClaim.objects.filter(report=report, claimant=user, state=State.PENDING).update(
            state=State.REPLACED
        )
        claim = ReportClaim.objects.create(
            report=report, claimant=user, expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
        outbox_enqueue(topic=CLAIM_CODE_TOPIC, payload={"claim_id": claim.pk})
    return claim


def claim_code_send(*, claim_id: int) -> bool:
    """The outbox consumer: draw the code, keep its hash, text it. Safe to run twice (a claim
    with a code sent is left alone); a gateway failure rolls the hash back and the outbox
    retries. Without a gateway (SMS_GATEWAY_URL empty) the claim is marked unsent."""
    with transaction.atomic():
        claim = (
            ReportClaim.objects.select_for_update(of=("self",))
            .select_related("report__identity")
            .filter(pk=claim_id)
            .first()
        )
        if claim is None or claim.state != State.PENDING or claim.code_sent_at:
            return False
        if claim.expires_at <= timezone.now():
            return False
        identity = claim.report.identity
        if not sms.sms_enabled() or not identity.phone or identity.wiped_at:
            claim.state = State.UNSENT
            claim.save(update_fields=["state"])
            return False
        code = "".join(secrets.choice("0123456789") for _digit in range(CODE_DIGITS))
        claim.code_hash = _code_hash(claim, code)
        claim.code_sent_at = timezone.now()
        claim.save(update_fields=["code_hash", "code_sent_at"])
        text = sms.gsm_text(
            _("Ma nhan phan anh %(reference)s: %(code)s (hieu luc %(minutes)s phut). ")
            % {"reference": claim.report.reference, "code": code, "minutes": CODE_MINUTES}
            + _("Khong dua ma nay cho ai.")
        )
        stamp = int(claim.created_at.timestamp() * 1_000_000)
        # The adapter's POST (reports.services.sms): the phone goes to the gateway only.
        sms.sms_gateway_post(phone=identity.phone, text=text, reference=f"claim-{claim.pk}.{stamp}")
        return True


def claim_get(*, user: User, claim_id: int) -> ReportClaim:
    claim = (
        ReportClaim.objects.select_related("report")
        .filter(pk=claim_id, claimant_id=getattr(user, "pk", None))
        .first()
    )
    if claim is None:
        raise ReportNotFound(_("Không tìm thấy yêu cầu nhận phản ánh."), field="claim")
    return claim


def claim_confirm(*, user: User, claim_id: int, code: str) -> ReportClaim:
    """The right code moves the report's identity (and its consent) to the claimant's
    account; a wrong one counts, and the fifth locks the claim."""
    code = (code or "").strip()
    if not (len(code) == CODE_DIGITS and code.isdigit()):
        raise ReportInvalid(_("Mã xác nhận gồm %(n)s chữ số.") % {"n": CODE_DIGITS}, field="code")
    wrong: ReportInvalid | None = None
    with transaction.atomic():
        claim = claim_get(user=user, claim_id=claim_id)
        claim = ReportClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.state == State.CLAIMED:
            return claim
        if claim.state == State.LOCKED:
            raise ReportStateConflict(
                _("Đã nhập sai mã quá %(n)s lần: hãy yêu cầu mã mới.") % {"n": CODE_ATTEMPTS},
                field="code",
            )
        if claim.state != State.PENDING or not claim.code_hash:
            raise ReportStateConflict(
                _("Mã này không còn hiệu lực: hãy yêu cầu mã mới."), field="code"
            )
        if claim.expires_at <= timezone.now():
            raise ReportStateConflict(_("Mã đã hết hạn: hãy yêu cầu mã mới."), field="code")
        if not constant_time_compare(_code_hash(claim, code), claim.code_hash):
            claim.attempts += 1
            left = CODE_ATTEMPTS - claim.attempts
            if left <= 0:
                claim.state = State.LOCKED
            claim.save(update_fields=["attempts", "state"])
            wrong = ReportInvalid(
                _("Mã không đúng. Còn %(n)s lần thử.") % {"n": left}
                if left > 0
                else _("Mã không đúng; đã hết số lần thử: hãy yêu cầu mã mới."),
                field="code",
            )
        else:
            _identity_move(claim=claim, user=user)
    # Outside the transaction: the wrong try is counted even though the request fails.
    if wrong is not None:
        raise wrong
    return claim


def _identity_move(*, claim: ReportClaim, user: User) -> None:
    identity = (
        ReporterIdentity.objects.select_for_update(of=("self",))
        .select_related("report", "user")
        .get(report_id=claim.report_id)
    )
    report = identity.report
    report.identity = identity
    if not policy.report_claimable(user=user, report=report):
        raise ReportStateConflict(_("Phản ánh này đã được nhận."), field="code")
    holder = identity.user_id
    identity.user = user
    identity.save(update_fields=["user"])
    ProcessingConsent.objects.filter(report=report, user_id=holder).update(user=user)
    AuditLog.objects.create(
        actor=user,
        action=AuditLog.Action.REPORT_CLAIM,
        report=report,
        subject_user=user,
        reason=_("Nhận phản ánh %(channel)s bằng mã gửi tới số điện thoại đã khai.")
        % {"channel": report.get_channel_display().lower()},
    )
    now = timezone.now()
    claim.state = State.CLAIMED
    claim.claimed_at = now
    claim.save(update_fields=["state", "claimed_at"])
    ReportClaim.objects.filter(report=report, state=State.PENDING).update(state=State.REPLACED)
