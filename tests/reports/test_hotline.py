"""The hotline: the IOC files for a caller (channel phone), with the caller's consent and
identity kept exactly as a citizen's own; the caller later claims the report with a code
texted to their phone (through a local stand-in for the SMS gateway)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from reports.models import (
    AuditLog,
    ProcessingConsent,
    Report,
    ReportClaim,
    ReportDraft,
    Role,
    Transition,
)
from reports.services.claims import CLAIM_CODE_TOPIC
from tests.reports._sms_stub import sms_gateway  # noqa: F401 — a fixture
from tests.reports.conftest import DBP, REPORTER_PHONE
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLER_NAME = "Quàng Văn Gọi"
CALLER_PHONE = "0912 345 678"  # the reporter fixture's number, spelt otherwise
URL = "/ioc/duong-day-nong/"


def _call(**overrides):
    body = {
        "full_name": CALLER_NAME,
        "phone": CALLER_PHONE,
        "email": "",
        "consent": "on",
        "category": "ve-sinh-moi-truong",
        "title": "Cây đổ chắn đường",
        "description": "Người gọi báo cây lớn đổ sau mưa, chắn một làn xe.",
        "lon": DBP[0],
        "lat": DBP[1],
        "idempotency_key": "call-1",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def phone_report(client, ioc, category, ubnd_dbp):
    client.force_login(ioc)
    response = client.post(URL, _call())
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Report.objects.get()


def test_the_hotline_page_is_the_iocs_alone(client, reporter, officer, ioc):
    assert client.get(URL).status_code == 302  # to the sign-in page
    for user in (reporter, officer, UserFactory(username="tnv", role=Role.VOLUNTEER)):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _call()).status_code == 404
    client.force_login(ioc)
    page = client.get(URL).content.decode()
    assert "Nhận phản ánh qua đường dây nóng" in page
    assert "Người gọi đồng ý cho xử lý thông tin cá nhân" in page
    assert "data-place-picker" in page and "reports/placepicker.js" in page
    assert not Report.objects.exists()


def test_the_operator_files_for_the_caller_who_holds_identity_and_consent(
    client, ioc, category, ubnd_dbp, reporter
):
    client.force_login(ioc)
    response = client.post(URL, _call())
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.reference}/")
    assert (report.channel, report.filed_by) == (Report.Channel.PHONE, ioc)
    identity = report.identity
    assert (identity.full_name, identity.phone) == (CALLER_NAME, CALLER_PHONE)
    # Held by the channel's account: never matched to an account by a phone anyone can type.
    assert identity.user.username == "kenh-phone" and not identity.user.is_active
    assert identity.user != reporter and identity.user != ioc
    consent = ProcessingConsent.objects.get(report=report)
    assert consent.user == identity.user and consent.context == ProcessingConsent.Context.SUBMIT
    submit = report.transitions.get(action=Transition.Action.SUBMIT)
    assert submit.actor == ioc and submit.actor_label == "Trung tâm IOC tỉnh Điện Biên"
    # The same form sent twice (a double click) is one report.
    client.post(URL, _call())
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"consent": None}, "consent", "đồng ý"),
        ({"phone": ""}, "phone", "bắt buộc"),
        ({"phone": "abc"}, "phone", ""),
        ({"full_name": ""}, "full_name", ""),
        ({"category": ""}, "category", ""),
        ({"lon": "", "lat": ""}, "__all__", "vị trí"),
    ],
)
def test_a_refused_call_is_a_400_naming_the_field(
    client, ioc, category, ubnd_dbp, overrides, field, words
):
    client.force_login(ioc)
    response = client.post(URL, _call(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]).lower()
    assert not Report.objects.exists()


def test_a_place_outside_the_province_is_a_422_on_the_map(client, ioc, category):
    client.force_login(ioc)
    response = client.post(URL, _call(lon=105.8342, lat=21.0278))
    assert response.status_code == 422
    assert "__all__" in response.context["form"].errors


def test_agencies_never_see_the_callers_name_or_phone(
    client, api_client, phone_report, officer, ubnd_dbp
):
    Report.objects.filter(pk=phone_report.pk).update(
        status=Report.Status.ASSIGNED, current_agency=ubnd_dbp
    )
    client.force_login(officer)
    page = client.get(f"/phan-anh/{phone_report.reference}/")
    assert page.status_code == 200
    api_client.force_authenticate(officer)
    answers = [
        page.content.decode(),
        api_client.get(f"/api/v1/reports/{phone_report.reference}/").content.decode(),
        api_client.get(f"/api/v1/reports/{phone_report.reference}/timeline/").content.decode(),
        api_client.get("/api/v1/reports/queue/").content.decode(),
    ]
    assert phone_report.reference in answers[1]
    for text in answers:
        assert CALLER_NAME not in text and "345 678" not in text and "345678" not in text
    identity = api_client.post(
        f"/api/v1/reports/{phone_report.reference}/identity/", {"reason": "Cần gọi lại."}
    )
    assert identity.status_code == 403 and CALLER_NAME not in identity.content.decode()


def _claim_sms(gateway) -> dict:
    """Relay the outbox (the worker's job) and read the claim's SMS, as the phone would."""
    outbox_relay()
    texts = [sent for sent in gateway.received if "Ma nhan phan anh" in sent["body"]["text"]]
    assert texts, "no claim code reached the gateway"
    return texts[-1]


def _claim_code(gateway) -> str:
    return re.search(r": (\d{6}) \(", _claim_sms(gateway)["body"]["text"]).group(1)


def test_the_caller_claims_the_report_with_the_code_texted_to_their_phone(
    client,
    phone_report,
    reporter,
    sms_gateway,  # noqa: F811
):
    client.force_login(reporter)
    assert phone_report.reference not in client.get("/phan-anh/cua-toi/").content.decode()
    response = client.post("/phan-anh/nhan/", {"reference": phone_report.reference.lower()})
    claim = ReportClaim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/phan-anh/nhan/{claim.pk}/"
    # The code exists only in the SMS: the outbox names the claim, the row keeps a keyed hash.
    message = OutboxMessage.objects.get(topic=CLAIM_CODE_TOPIC)
    assert message.payload == {"claim_id": claim.pk}
    sent = _claim_sms(sms_gateway)
    code = re.search(r": (\d{6}) \(", sent["body"]["text"]).group(1)
    assert sent["body"]["to"] == "+84912345678"
    assert sent["headers"]["Authorization"] == "Bearer token-thu"
    claim.refresh_from_db()
    assert claim.code_hash and code not in claim.code_hash
    assert code not in str(OutboxMessage.objects.values_list("payload", flat=True))

    wrong = "000000" if code != "000000" else "111111"
    page = client.post(f"/phan-anh/nhan/{claim.pk}/", {"code": wrong})
    assert page.status_code == 400 and "Còn 4 lần thử" in str(page.context["form"].errors["code"])
    response = client.post(f"/phan-anh/nhan/{claim.pk}/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/phan-anh/cua-toi/"

    phone_report.identity.refresh_from_db()
    assert phone_report.identity.user == reporter
    assert phone_report.identity.full_name == "Quàng Văn Gọi"  # the identity as given
    assert ProcessingConsent.objects.get(report=phone_report).user == reporter
    audit = AuditLog.objects.get(action=AuditLog.Action.REPORT_CLAIM)
    assert (audit.actor, audit.report, audit.subject_user) == (reporter, phone_report, reporter)
    assert phone_report.reference in client.get("/phan-anh/cua-toi/").content.decode()
    # Claimed once: nobody claims it again, the claimant included.
    again = client.post("/phan-anh/nhan/", {"reference": phone_report.reference})
    assert again.status_code == 400


def test_a_claim_needs_the_reports_phone_and_says_nothing_more(client, phone_report, stranger):
    stranger.phone = "0987000111"
    stranger.save()
    client.force_login(stranger)
    for reference in (phone_report.reference, "PA-2020-999999"):
        response = client.post("/phan-anh/nhan/", {"reference": reference})
        assert response.status_code == 400
        errors = response.context["form"].errors["reference"]
        assert "số điện thoại của tài khoản bạn" in errors[0]
    assert not ReportClaim.objects.exists() and not OutboxMessage.objects.filter(
        topic=CLAIM_CODE_TOPIC
    )


def test_five_wrong_codes_lock_the_claim_and_an_old_code_expires(
    client,
    phone_report,
    reporter,
    sms_gateway,  # noqa: F811
):
    client.force_login(reporter)
    client.post("/phan-anh/nhan/", {"reference": phone_report.reference})
    claim = ReportClaim.objects.get()
    code = _claim_code(sms_gateway)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        client.post(f"/phan-anh/nhan/{claim.pk}/", {"code": wrong})
    claim.refresh_from_db()
    assert (claim.state, claim.attempts) == (ReportClaim.State.LOCKED, 5)
    locked = client.post(f"/phan-anh/nhan/{claim.pk}/", {"code": code})
    assert locked.status_code == 409
    assert phone_report.identity.user.username == "kenh-phone"

    client.post("/phan-anh/nhan/", {"reference": phone_report.reference})
    fresh = ReportClaim.objects.latest("pk")
    code = _claim_code(sms_gateway)
    ReportClaim.objects.filter(pk=fresh.pk).update(expires_at=timezone.now())
    expired = client.post(f"/phan-anh/nhan/{fresh.pk}/", {"code": code})
    assert expired.status_code == 409 and "hết hạn" in str(expired.context["form"].errors)
    phone_report.identity.refresh_from_db()
    assert phone_report.identity.user.username == "kenh-phone"


def test_without_a_gateway_the_claim_says_the_code_could_not_be_sent(
    client, phone_report, reporter, settings
):
    settings.SMS_GATEWAY_URL = ""
    client.force_login(reporter)
    client.post("/phan-anh/nhan/", {"reference": phone_report.reference})
    outbox_relay()
    claim = ReportClaim.objects.get()
    assert claim.state == ReportClaim.State.UNSENT and not claim.code_hash
    page = client.get(f"/phan-anh/nhan/{claim.pk}/").content.decode()
    assert "Không gửi được mã" in page


def test_a_claim_is_seen_by_its_claimant_only(client, phone_report, reporter, stranger):
    client.force_login(reporter)
    client.post("/phan-anh/nhan/", {"reference": phone_report.reference})
    claim = ReportClaim.objects.get()
    client.force_login(stranger)
    assert client.get(f"/phan-anh/nhan/{claim.pk}/").status_code == 404
    assert client.post(f"/phan-anh/nhan/{claim.pk}/", {"code": "123456"}).status_code == 404


def test_codes_texted_for_one_report_are_limited_per_hour(client, phone_report, reporter):
    client.force_login(reporter)
    statuses = [
        client.post("/phan-anh/nhan/", {"reference": phone_report.reference}).status_code
        for _try in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert reverse("reports-web:claim") == "/phan-anh/nhan/"
    assert REPORTER_PHONE == "0912345678"


def test_a_call_without_a_known_place_waits_on_the_drafts_page(client, ioc, category, ubnd_dbp):
    client.force_login(ioc)
    body = _call(lon="", lat="", later="1")
    response = client.post(URL, body)
    draft = ReportDraft.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#draft-{draft.pk}")
    assert (draft.channel, draft.filed_by, draft.phone) == ("phone", ioc, CALLER_PHONE)
    assert client.post(URL, body).status_code == 302 and ReportDraft.objects.count() == 1
    assert not Report.objects.exists()
    # Without the consent it is refused as a report would be.
    refused = client.post(URL, _call(lon="", lat="", later="1", consent=None, idempotency_key="2"))
    assert refused.status_code == 400 and "consent" in refused.context["form"].errors
    filed = client.post(
        f"/ioc/cho-bo-sung/{draft.pk}/tao/",
        {
            "category": category.code,
            "title": draft.title,
            "full_name": draft.full_name,
            "lon": DBP[0],
            "lat": DBP[1],
        },
    )
    assert filed.status_code == 302
    report = Report.objects.get()
    assert (report.channel, report.filed_by) == (Report.Channel.PHONE, ioc)
    assert report.identity.phone == CALLER_PHONE
    assert ProcessingConsent.objects.filter(report=report).exists()


def test_one_phone_in_any_spelling_and_only_citizens_claim(phone_report, reporter, ioc, submit):
    from reports import policy

    assert {policy.phone_key(p) for p in ("0912345678", "+84 912 345 678", "84912345678")} == {
        "0912345678"
    }
    assert policy.report_claimable(user=reporter, report=phone_report)
    ioc.phone = REPORTER_PHONE
    ioc.save()
    assert not policy.report_claimable(user=ioc, report=phone_report)  # staff, not the caller
    # A report the citizen filed on the web is theirs already: nothing to claim.
    web_report = submit(user=UserFactory(username="khac", full_name="Khác", phone=REPORTER_PHONE))
    assert not policy.report_claimable(user=reporter, report=web_report)
