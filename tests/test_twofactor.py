"""Two-factor sign-in (TOTP) for every account that can read a reporter's identity: the IOC,
supervisors and administrators give a code from their authenticator app after the password,
on the web (the admin included) and at the token endpoint; codes are real TOTP codes computed
from the device's key, as the app would."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from gis_portal.accounts.qr import secret_text
from reports.models import Role
from tests.conftest import force_login_unverified
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-1"
ADDRESS = "203.0.113.41"
INBOX = "/ioc/hop-thu/"


def code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the authenticator app shows now (or `steps` time steps later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps)
    return str(value).zfill(device.digits)


def unthrottle(device: TOTPDevice) -> None:
    """Let the wait after a wrong code pass, without sleeping."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(days=1)
    )


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def sign_in(client, user, next_url: str = ""):
    url = reverse("reports-web:login") + (f"?next={next_url}" if next_url else "")
    data = {"username": user.username, "password": PASSWORD, "next": next_url}
    response = client.post(url, data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302, response.content
    return response


@pytest.fixture
def ioc_user():
    return UserFactory(username="ioc-2fa", role=Role.IOC_OPERATOR)


def test_an_ioc_without_a_device_is_sent_to_enrolment_with_a_qr_code(client, ioc_user):
    sign_in(client, ioc_user)
    page = client.get(INBOX)
    assert page.status_code == 302
    assert page.url == reverse("twofactor:enrol") + "?next=%2Fioc%2Fhop-thu%2F"
    enrol = client.get(page.url)
    assert enrol.status_code == 200
    device = TOTPDevice.objects.get(user=ioc_user, confirmed=False)
    html = enrol.content.decode()
    assert '<svg width="' in html and 'class="qr"' in html
    assert secret_text(device.bin_key) in html
    assert "style=" not in html and "<script>" not in html
    assert enrol["Cache-Control"].startswith("max-age=0") and "no-store" in enrol["Cache-Control"]
    # A reload shows the same secret, not a new one.
    assert secret_text(device.bin_key) in client.get(page.url).content.decode()
    assert TOTPDevice.objects.filter(user=ioc_user).count() == 1


def test_confirming_enrolment_with_a_first_code_verifies_the_session(client, ioc_user):
    sign_in(client, ioc_user)
    client.get(reverse("twofactor:enrol"))
    device = TOTPDevice.objects.get(user=ioc_user)
    key_before = client.session.session_key
    done = client.post(reverse("twofactor:enrol"), {"otp": code(device), "next": INBOX})
    assert done.status_code == 302 and done.url == INBOX
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_before
    assert client.get(INBOX).status_code == 200
    assert client.get(reverse("report-inbox")).status_code == 200
    # Once set up, the enrolment page shows no secret again.
    assert client.get(reverse("twofactor:enrol")).status_code == 302


def test_a_wrong_code_is_refused_then_the_device_waits(client, ioc_user):
    device = enrolled(ioc_user)
    sign_in(client, ioc_user)
    wrong = client.post(reverse("twofactor:verify"), {"otp": "000000"})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Straight after a wrong code even the right one must wait (django-otp's throttling).
    waiting = client.post(reverse("twofactor:verify"), {"otp": code(device)})
    assert waiting.status_code == 200 and "hãy chờ" in waiting.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    unthrottle(device)
    assert client.post(reverse("twofactor:verify"), {"otp": code(device)}).status_code == 302
    assert client.get(INBOX).status_code == 200


def test_an_enrolled_ioc_gives_a_code_at_each_sign_in_and_no_code_twice(client, ioc_user):
    device = enrolled(ioc_user)
    sign_in(client, ioc_user, next_url=INBOX)
    page = client.get(INBOX)
    assert page.status_code == 302 and page.url.startswith(reverse("twofactor:verify"))
    assert client.get(page.url).status_code == 200
    api = client.get(reverse("report-inbox"))
    assert api.status_code == 403
    assert "xác thực hai lớp" in api.json()["error"]
    assert api.json()["two_factor_url"] == reverse("twofactor:verify")
    first = code(device)
    assert client.post(page.url, {"otp": first}).url == INBOX
    assert client.get(reverse("report-inbox")).status_code == 200
    # The next sign-in asks again, and the code already used is refused.
    client.post(reverse("reports-web:logout"))
    sign_in(client, ioc_user)
    reused = client.post(reverse("twofactor:verify"), {"otp": first})
    assert reused.status_code == 200 and "không đúng" in reused.content.decode()


def test_the_verify_page_only_returns_to_this_site(client, ioc_user):
    device = enrolled(ioc_user)
    sign_in(client, ioc_user)
    done = client.post(
        reverse("twofactor:verify"), {"otp": code(device), "next": "https://evil.example/"}
    )
    assert done.url == reverse("reports-web:my-reports")


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_administrators_need_the_second_factor_too(client, role):
    user = UserFactory(username=f"{role}-2fa", role=role)
    sign_in(client, user)
    assert client.get(INBOX).url.startswith(reverse("twofactor:enrol"))


def test_the_admin_requires_a_verified_session(client):
    root = UserFactory(username="root-2fa", role=Role.ADMIN, is_staff=True, is_superuser=True)
    device = enrolled(root)
    signed = client.post(
        "/admin/login/?next=/admin/",
        {"username": root.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=ADDRESS,
    )
    assert signed.status_code == 302
    for path in ("/admin/", "/admin/reports/user/", "/admin/knox/authtoken/"):
        refused = client.get(path)
        assert refused.status_code == 302, path
        assert refused.url.startswith(reverse("twofactor:verify")), path
    verified = client.post(reverse("twofactor:verify"), {"otp": code(device), "next": "/admin/"})
    assert verified.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_any_account_that_may_enter_the_admin_needs_it(client, ubnd_dbp):
    officer = UserFactory(
        username="canbo-admin-2fa", role=Role.AGENCY_OFFICER, agency=ubnd_dbp, is_staff=True
    )
    sign_in(client, officer)
    assert client.get("/admin/").url.startswith(reverse("twofactor:enrol"))


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.AGENCY_OFFICER, Role.PLANNER])
def test_citizens_officers_and_planners_are_not_asked(client, role, ubnd_dbp):
    agency = ubnd_dbp if role == Role.AGENCY_OFFICER else None
    user = UserFactory(username=f"{role}-no-2fa", role=role, agency=agency)
    sign_in(client, user)
    assert client.get(reverse("reports-web:my-reports")).status_code == 200
    assert client.get(reverse("report-mine")).status_code == 200
    assert client.get(reverse("twofactor:verify")).status_code == 302  # nothing to do there
    assert not TOTPDevice.objects.exists()


def test_an_unverified_account_still_reaches_logout_and_the_privacy_notice(client, ioc_user):
    force_login_unverified(client, ioc_user)
    assert client.get(reverse("privacy:notice")).status_code == 200
    assert client.post(reverse("reports-web:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_verified_staff_session_still_ends_with_the_browser(client, ioc_user):
    device = enrolled(ioc_user)
    sign_in(client, ioc_user)
    client.post(reverse("twofactor:verify"), {"otp": code(device)})
    assert client.session.get_expire_at_browser_close() is True


def test_an_administrator_resets_a_lost_device_and_the_owner_enrols_again(client, ioc_user):
    device = enrolled(ioc_user)
    sign_in(client, ioc_user)
    client.post(reverse("twofactor:verify"), {"otp": code(device)})
    assert client.get(INBOX).status_code == 200
    call_command("twofactor_reset", ioc_user.username, "--dry-run")
    assert TOTPDevice.objects.filter(user=ioc_user).exists()
    call_command("twofactor_reset", ioc_user.username)
    assert not TOTPDevice.objects.filter(user=ioc_user).exists()
    # The session verified by the lost phone is verified no more.
    assert client.get(INBOX).url.startswith(reverse("twofactor:enrol"))


def test_the_device_admin_shows_no_secret(admin_client, ioc_user):
    device = enrolled(ioc_user)
    listing = admin_client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and ioc_user.username in listing.content.decode()
    pages = [
        listing,
        admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
        # django-otp's own QR and config pages are not served by the portal's device admin.
        admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True),
        admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/", follow=True),
    ]
    secrets = (device.key, secret_text(device.bin_key).replace(" ", ""))
    assert all(s not in page.content.decode() for page in pages for s in secrets)
    assert all(page["Content-Type"].startswith("text/html") for page in pages)
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


# --- the token endpoint ------------------------------------------------------------------------


def token_login(user, **extra):
    data = {"username": user.username, "password": PASSWORD, **extra}
    return APIClient().post(reverse("auth-token"), data, REMOTE_ADDR=ADDRESS)


def test_the_token_endpoint_asks_the_ioc_for_an_otp_code(ioc_user):
    not_set_up = token_login(ioc_user)
    assert not_set_up.status_code == 400 and not_set_up.json()["field"] == "otp"
    assert "chưa thiết lập" in not_set_up.json()["error"]
    device = enrolled(ioc_user)
    missing = token_login(ioc_user)
    assert missing.status_code == 400 and missing.json()["field"] == "otp"
    wrong = token_login(ioc_user, otp="123")
    assert wrong.status_code == 400 and wrong.json()["field"] == "otp"
    assert "token" not in wrong.json()
    unthrottle(device)
    issued = token_login(ioc_user, otp=code(device))
    assert issued.status_code == 200, issued.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get(reverse("report-inbox")).status_code == 200
    assert AuthToken.objects.filter(user=ioc_user).count() == 1


def test_a_citizen_needs_no_code_at_the_token_endpoint():
    citizen = UserFactory(username="dan-no-otp", role=Role.CITIZEN)
    assert token_login(citizen).status_code == 200


def test_wrong_codes_wait_and_count_toward_the_sign_in_lockout(ioc_user):
    device = enrolled(ioc_user)
    assert token_login(ioc_user, otp="000000").status_code == 400
    throttled = token_login(ioc_user, otp=code(device))
    assert throttled.status_code == 429 and throttled.json()["field"] == "otp"
    assert int(throttled["Retry-After"]) >= 1
    assert AccessAttempt.objects.get(username=ioc_user.username).failures_since_start == 1
    answers = []
    for _ in range(4):
        unthrottle(device)
        answers.append(token_login(ioc_user, otp="000000").status_code)
    assert answers == [400, 400, 400, 429]
    unthrottle(device)
    locked = token_login(ioc_user, otp=code(device))
    assert locked.status_code == 429 and "Đăng nhập sai quá nhiều lần" in locked.json()["error"]
    assert not AuthToken.objects.exists()


def test_force_login_in_tests_verifies_the_session_of_such_accounts(client, ioc_user):
    """The conftest helper many tests rely on (see tests/conftest.py)."""
    client.force_login(ioc_user)
    assert client.get(INBOX).status_code == 200
    other = Client()
    force_login_unverified(other, ioc_user)
    assert other.get(INBOX).status_code == 302
