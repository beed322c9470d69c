"""Assisted reporting: a citizen applies to be a volunteer, the IOC approves (or refuses); an
approved volunteer files for a citizen present with them, on their consent; the citizen's
identity is theirs, the volunteer is credited and sees only the reference and status."""

import pytest

from boundaries.models import AdminUnit
from reports import policy
from reports.models import Report, Role, Transition, VolunteerApplication
from tests.reports.conftest import DBP
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

CITIZEN_NAME = "Lò Thị Có Mặt"
CITIZEN_PHONE = "0977123456"
APPLY = "/tinh-nguyen-vien/"
ASSIST = "/tinh-nguyen-vien/gui-ho/"
FILED = "/tinh-nguyen-vien/da-gui/"
REVIEW = "/ioc/tinh-nguyen-vien/"


@pytest.fixture
def commune(db):
    return AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, code="03127").latest("pk")


@pytest.fixture
def applicant(db):
    return UserFactory(username="doanvien", full_name="Lường Văn Đoàn", phone="0966000111")


@pytest.fixture
def volunteer(applicant, commune, ioc):
    VolunteerApplication.objects.create(
        user=applicant,
        organisation="Đoàn Thanh niên phường Điện Biên Phủ",
        commune=commune,
        state=VolunteerApplication.State.APPROVED,
        decided_by=ioc,
    )
    applicant.role = Role.VOLUNTEER
    applicant.save()
    return applicant


def _assist(**overrides):
    body = {
        "full_name": CITIZEN_NAME,
        "phone": CITIZEN_PHONE,
        "consent": "on",
        "category": "ve-sinh-moi-truong",
        "title": "Rác thải đổ trộm",
        "description": "Bà con báo rác đổ trộm bên suối.",
        "lon": DBP[0],
        "lat": DBP[1],
        "idempotency_key": "assist-1",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def test_a_citizen_applies_and_stays_a_citizen_until_the_ioc_approves(
    client, applicant, commune, ioc
):
    client.force_login(applicant)
    page = client.get(APPLY)
    assert page.status_code == 200 and "Đoàn Thanh niên" in page.content.decode()
    organisation = "Đoàn Thanh niên phường Điện Biên Phủ"
    response = client.post(APPLY, {"organisation": organisation, "commune": commune.code})
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert application.state == VolunteerApplication.State.PENDING
    applicant.refresh_from_db()
    assert applicant.role == Role.CITIZEN
    # Not yet a volunteer: no assisted form, and a second application waits for the first.
    assert client.get(ASSIST).status_code == 403
    again = client.post(APPLY, {"organisation": organisation, "commune": commune.code})
    assert again.status_code == 409 and "organisation" in again.context["form"].errors
    missing = client.post(APPLY, {"organisation": "", "commune": ""})
    assert missing.status_code == 400
    assert {"organisation", "commune"} <= set(missing.context["form"].errors)

    client.force_login(ioc)
    assert organisation in client.get(REVIEW).content.decode()
    decided = client.post(f"{REVIEW}{application.pk}/", {"decision": "approve", "reason": ""})
    assert decided.status_code == 302
    application.refresh_from_db()
    applicant.refresh_from_db()
    assert application.state == VolunteerApplication.State.APPROVED
    assert application.decided_by == ioc and application.decided_at is not None
    assert applicant.role == Role.VOLUNTEER and policy.user_is_volunteer(applicant)
    # A volunteer files for others but works for no office: no staff privileges.
    assert not policy.user_is_staff(applicant)
    late = client.post(f"{REVIEW}{application.pk}/", {"decision": "refuse", "reason": "Muộn."})
    assert late.status_code == 409


def test_a_refusal_needs_a_reason_and_leaves_the_role(client, applicant, commune, ioc):
    application = VolunteerApplication.objects.create(
        user=applicant, organisation="Hội Phụ nữ xã", commune=commune
    )
    client.force_login(ioc)
    response = client.post(f"{REVIEW}{application.pk}/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and response.context["error"]["field"] == "reason"
    response = client.post(
        f"{REVIEW}{application.pk}/", {"decision": "refuse", "reason": "Chưa có xác nhận."}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    applicant.refresh_from_db()
    assert application.state == VolunteerApplication.State.REFUSED
    assert applicant.role == Role.CITIZEN
    client.force_login(applicant)
    assert "Chưa có xác nhận." in client.get(APPLY).content.decode()


def test_only_the_ioc_reviews_and_only_citizens_apply(client, applicant, officer, ioc, commune):
    application = VolunteerApplication.objects.create(
        user=applicant, organisation="Đoàn Thanh niên", commune=commune
    )
    for user in (applicant, officer):
        client.force_login(user)
        assert client.get(REVIEW).status_code == 404
        decide = client.post(f"{REVIEW}{application.pk}/", {"decision": "approve"})
        assert decide.status_code == 404
    for user in (officer, ioc):
        client.force_login(user)
        assert client.get(APPLY).status_code == 403
        assert client.get(ASSIST).status_code == 403
    application.refresh_from_db()
    assert application.state == VolunteerApplication.State.PENDING


def test_an_approved_volunteer_files_for_a_citizen_who_keeps_their_identity(
    client, volunteer, category, ubnd_dbp
):
    client.force_login(volunteer)
    page = client.get(ASSIST).content.decode()
    assert "Người dân có mặt đồng ý cho xử lý thông tin cá nhân" in page
    response = client.post(ASSIST, _assist())
    assert response.status_code == 302 and response["Location"] == FILED
    report = Report.objects.get()
    assert (report.channel, report.filed_by) == (Report.Channel.ASSISTED, volunteer)
    identity = report.identity
    assert (identity.full_name, identity.phone) == (CITIZEN_NAME, CITIZEN_PHONE)
    assert identity.user.username == "kenh-assisted" and identity.user != volunteer
    submit = report.transitions.get(action=Transition.Action.SUBMIT)
    assert submit.actor == volunteer and submit.actor_label == "Tình nguyện viên hỗ trợ"

    listing = client.get(FILED).content.decode()
    assert report.reference in listing and report.get_status_display() in listing
    assert CITIZEN_NAME not in listing and CITIZEN_PHONE not in listing
    # Filed, it is the citizen's: the volunteer cannot open it before it is public.
    assert client.get(f"/phan-anh/{report.reference}/").status_code == 404
    assert not policy.report_viewer(user=volunteer, report=report).is_reporter


def test_assisted_reports_need_the_citizens_consent_and_phone(
    client, volunteer, category, ubnd_dbp
):
    client.force_login(volunteer)
    for overrides, field in (({"consent": None}, "consent"), ({"phone": ""}, "phone")):
        response = client.post(ASSIST, _assist(**overrides))
        assert response.status_code == 400 and field in response.context["form"].errors
    assert not Report.objects.exists()


def test_the_timeline_credits_the_volunteer_and_the_citizen_claims_later(
    client, volunteer, category, ubnd_dbp, stranger
):
    client.force_login(volunteer)
    client.post(ASSIST, _assist())
    report = Report.objects.get()
    # The volunteer cannot claim what they filed, even with the citizen's number.
    volunteer.phone = CITIZEN_PHONE
    volunteer.save()
    assert client.post("/phan-anh/nhan/", {"reference": report.reference}).status_code == 400
    stranger.phone = "+84 977 123 456"
    stranger.save()
    client.force_login(stranger)
    response = client.post("/phan-anh/nhan/", {"reference": report.reference})
    assert response.status_code == 302  # the code goes to the citizen's phone next
