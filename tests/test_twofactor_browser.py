"""An IOC operator's first sign-in in Chromium: the password, then the enrolment page with its
server-drawn QR code under the strict CSP, a code computed from the secret shown (as an
authenticator app would), and the IOC inbox."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.models import Role, User
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")
PASSWORD = "mat-khau-thu-1"

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    # Only these apps' tables are flushed afterwards (the session's boundaries stay).
    pytest.mark.django_db(
        transaction=True,
        available_apps=[
            "reports",
            "routing_rules",
            "axes",
            "knox",
            "django_otp",
            "django_otp.plugins.otp_totp",
            "gis_portal.accounts",
        ],
    ),
]


@pytest.fixture
def ioc_user():
    user = UserFactory(username="trinh-duyet-ioc", role=Role.IOC_OPERATOR)
    yield user
    User.objects.filter(pk=user.pk).delete()


def app_code(secret: str) -> str:
    """What an authenticator app shows for the secret typed in by hand."""
    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return str(totp(key)).zfill(6)


def test_an_ioc_enrols_an_authenticator_at_the_first_sign_in(live_server, ioc_user):
    violations: list[str] = []
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1000, "height": 1100})
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/dang-nhap/?next=/ioc/hop-thu/")
        page.fill("[name=username]", ioc_user.username)
        page.fill("[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/xac-thuc-hai-lop/thiet-lap/**")
        qr_box = page.locator(".qr-code svg").bounding_box()
        secret = page.locator("code.secret").inner_text()
        page.screenshot(path=str(ARTIFACTS / "twofactor-enrol.png"), full_page=True)
        page.fill("[name=otp]", app_code(secret))
        page.click("main button[type=submit]")
        page.wait_for_url("**/ioc/hop-thu/")
        heading = page.locator("main h1, main h2").first.inner_text()
        browser.close()

    assert errors == [] and violations == []
    assert qr_box["width"] >= 150 and qr_box["height"] >= 150
    assert "IOC" in heading
    assert TOTPDevice.objects.get(user=ioc_user).confirmed
