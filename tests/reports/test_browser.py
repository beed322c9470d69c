"""The submit page in a real browser: the self-hosted Leaflet map, a dropped pin, a report filed.

Runs against the live test server with committed data, limited to this app's tables so the
session's boundary data survives the flush; routing rows are removed by hand.
"""

import pytest

from reports.models import Report, User
from routing_rules.models import Agency, Category
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True, available_apps=["reports"]),
]


@pytest.fixture
def rows():
    category = CategoryFactory(code="browser-test-category", name="Vệ sinh môi trường (thử)")
    agency = AgencyFactory(
        code="browser-test-ubnd", kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=["03127"]
    )
    user = UserFactory(username="browser-dan", full_name="Lò Văn Thử", phone="0912000111")
    yield category, user
    Report.objects.all().delete()
    User.objects.filter(agency=agency).delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk=agency.pk).delete()


def test_citizen_drops_pin_and_files_report(live_server, rows, settings, tmp_path):
    category, user = rows
    errors: list[str] = []
    # Django refuses ORM calls while Playwright's event loop runs in this thread:
    # every database read happens before or after the browser session.
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 1300})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("[name=username]", "browser-dan")
        page.fill("[name=password]", "mat-khau-thu-1")
        page.click("button[type=submit]")
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_function("() => document.querySelectorAll('#map path').length > 10")
        submit_credit = page.locator("#map .map-credit").inner_text()
        # Step 1: find the ward by its address, then drop the pin near the map's centre.
        page.locator("#address").fill("Phường Điện Biên Phủ, Tỉnh Điện Biên")
        page.click("#address-find")
        page.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2 + 5)
        page.click("#step-next")
        # Step 2: what, and that it is urgent; then on through photos and who to the check.
        page.fill("[name=title]", "Cây đổ chắn đường")
        page.fill("[name=description]", "Cây lớn đổ sau mưa, chắn một làn xe.")
        page.select_option("[name=category]", category.code)
        page.check("[name=urgent]")
        assert page.locator("#hotlines").is_visible()
        for _step in range(3):
            page.click("#step-next")
        page.click("form#report-form button[type=submit]")
        page.wait_for_url("**/phan-anh/PA-*/")
        heading = page.locator("h1").inner_text()
        page.wait_for_function("() => document.querySelectorAll('#map path').length > 10")
        detail_credit = page.locator("#map .map-credit").inner_text()
        page.screenshot(path=str(ARTIFACTS / "reports-detail.png"), full_page=True)
        browser.close()

    assert errors == []
    assert "Cây đổ chắn đường" in heading
    assert "Thang Le Quoc" in submit_credit and "Thang Le Quoc" in detail_credit
    report = Report.objects.get()
    assert report.urgent and report.location_source == "pin"
    assert report.commune.code == "03127"


def test_submit_page_reports_a_failed_boundary_request_under_the_map(live_server, rows):
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        # Without the phone app's worker: it would answer the outlines from its cache, which
        # is the point of it, but not the failure this test is about.
        page = browser.new_page(viewport={"width": 1100, "height": 1300}, service_workers="block")
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.route("**/boundaries/**", lambda route: route.fulfill(status=503, body=""))
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("[name=username]", "browser-dan")
        page.fill("[name=password]", "mat-khau-thu-1")
        page.click("button[type=submit]")
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_function(
            "() => document.getElementById('location-status').textContent.includes('ranh giới')"
        )
        message = page.locator("#location-status").inner_text()
        page.screenshot(path=str(ARTIFACTS / "reports-submit-error.png"))
        browser.close()
    assert errors == []
    assert message == "Không tải được ranh giới: HTTP 503"
