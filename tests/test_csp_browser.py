"""The pages work in Chromium under the portal's Content-Security-Policy, and Chromium reports
no violation: no inline script, style or handler, nothing loaded from elsewhere."""

import pytest

from reports.models import Role, User
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")
PASSWORD = "mat-khau-thu-1"

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    # Only these apps' tables are flushed afterwards (the session's boundaries stay); their
    # templates and static files are the ones the pages need.
    pytest.mark.django_db(
        transaction=True,
        available_apps=[
            "reports",
            "routing_rules",
            "maps",
            "stats",
            "axes",
            "django.contrib.admin",
            "rest_framework",
            "drf_spectacular",
            "drf_spectacular_sidecar",
        ],
    ),
]

# page: a JavaScript condition that holds once the page's own scripts have done their work
# (waited for as a function: Playwright evaluates a bare string with eval, which the CSP refuses).
ANONYMOUS_PAGES = {
    "/": "document.querySelector('main h1, main h2') !== null",
    "/ban-do/": "document.getElementById('public-map').dataset.communeLoaded",
    "/dang-nhap/": "document.querySelector('[name=username]') !== null",
    "/dang-ky/": "document.querySelector('[name=password]') !== null",
    "/admin/login/": "document.getElementById('login-form') !== null",
    "/thong-ke/": "document.getElementById('ranking') !== null",
    "/api/docs/": "document.querySelector('#swagger-ui .info .title') !== null",
}
SIGNED_IN_PAGES = {
    "/phan-anh/gui/": "document.querySelectorAll('#map path').length > 10",
    "/ban-do/phan-tich/": "['', 'loading'].indexOf("
    "document.getElementById('planner-map').dataset.heatmap || '') < 0",
}


@pytest.fixture
def planner():
    user = UserFactory(username="csp-quyhoach", role=Role.PLANNER)
    yield user
    User.objects.filter(pk=user.pk).delete()


def visit(page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_function(f"() => {ready}", timeout=15000)
    page.wait_for_load_state("networkidle")


def test_pages_work_under_the_csp_without_violations(live_server, planner):
    violations: list[str] = []
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for path, ready in ANONYMOUS_PAGES.items():
            visit(page, live_server.url + path, ready)
        # The legend's colour swatches are set through CSSOM, which the CSP allows.
        visit(page, live_server.url + "/ban-do/", ANONYMOUS_PAGES["/ban-do/"])
        swatch = page.evaluate(
            "getComputedStyle(document.querySelector('.map-legend .swatch')).backgroundColor"
        )
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("[name=username]", planner.username)
        page.fill("[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path, ready in SIGNED_IN_PAGES.items():
            visit(page, live_server.url + path, ready)
        page.screenshot(path=str(ARTIFACTS / "csp-planner.png"))
        browser.close()
    assert errors == []
    assert violations == []
    assert swatch not in ("", "rgba(0, 0, 0, 0)")
