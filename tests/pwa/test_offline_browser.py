"""The phone app in Chromium: installed (manifest read, worker active and in control), a report
composed with a photo while offline waits as "đang chờ gửi", and once the connection is back
exactly one report arrives, with its photo, and the page shows its reference — also when the
first answer is lost on the way and the draft goes a second time with the same key.

Runs against the live test server with committed data, limited to the reports tables so the
session's boundary data survives the flush (as tests/reports/test_browser.py)."""

import io

import pytest
from PIL import Image

from boundaries.models import AdminUnit
from reports.models import IdempotencyKey, Media, Report, User
from routing_rules.models import Agency, Category
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True, available_apps=["reports"]),
]
COMMUNE = "03127"  # Phường Điện Biên Phủ


@pytest.fixture
def rows():
    category = CategoryFactory(code="pwa-test-category", name="Giao thông (thử ngoại tuyến)")
    agency = AgencyFactory(
        code="pwa-test-ubnd", kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=[COMMUNE]
    )
    user = UserFactory(username="pwa-dan", full_name="Lò Thị Ngoại", phone="0912000222")
    yield category, user
    Report.objects.all().delete()
    User.objects.filter(agency=agency).delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk=agency.pk).delete()


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def compose(page, category, title: str, description: str, files=()) -> None:
    """The report form's five steps (reports/steps.js): the phone's GPS, the words, the photos,
    who (the account's), then the check where "Gửi" waits."""
    page.click("#gps-find")
    page.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
    page.click("#step-next")
    page.select_option("[name=category]", category.code)
    page.fill("[name=title]", title)
    page.fill("[name=description]", description)
    page.click("#step-next")
    if files:
        page.set_input_files("[name=media]", files=list(files))
    page.click("#step-next")
    page.click("#step-next")


def sign_in(page, base_url) -> None:
    if base_url:
        page.goto(base_url + "/dang-nhap/")
    page.fill("[name=username]", "pwa-dan")
    page.fill("[name=password]", "mat-khau-thu-1")
    page.click("button[type=submit]")


def test_report_composed_offline_is_sent_once_when_back_online(live_server, rows):
    category, user = rows
    here = AdminUnit.objects.filter(code=COMMUNE).first().geom.point_on_surface
    errors: list[str] = []
    posts: list[int] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context = browser.new_context(
            viewport={"width": 900, "height": 1400},
            geolocation={"latitude": here.y, "longitude": here.x},
            permissions=["geolocation"],
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, live_server.url)
        page.goto(live_server.url + "/phan-anh/gui/")
        manifest = page.evaluate(
            "() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
        )
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        worker_state = page.evaluate(
            "() => navigator.serviceWorker.ready.then(r => r.active.state)"
        )

        context.set_offline(True)
        # Offline the worker answers with its copy of the form, map outlines included.
        page.reload()
        page.wait_for_function("() => document.querySelectorAll('#map path').length > 10")
        shell = page.locator("#report-form").get_attribute("data-shell")
        compose(
            page,
            category,
            "Sạt lở taluy đường vào bản",
            "Đất đá sạt xuống nửa mặt đường sau mưa lớn.",
            files=[{"name": "sat-lo.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}],
        )
        page.click("form#report-form button[type=submit]")
        page.wait_for_selector("#outbox li[data-state=pending]")
        pending = page.locator("#outbox li").inner_text()

        # The first send reaches the portal, but its answer is lost on the way back.
        def lose_first_answer(route):
            posts.append(1)
            if len(posts) == 1:
                route.fetch()
                route.abort("connectionreset")
            else:
                route.continue_()

        context.route("**/api/v1/reports/", lose_first_answer)
        context.set_offline(False)
        page.wait_for_selector("#outbox li[data-state=sent] a.reference", timeout=15000)
        reference = page.locator("#outbox li a.reference").inner_text()
        link = page.locator("#outbox li a.reference").get_attribute("href")
        # Back again: nothing left to send, nothing sent twice.
        page.reload()
        page.wait_for_selector("#outbox li[data-state=sent]")
        page.screenshot(path=str(ARTIFACTS / "pwa-offline-sent.png"), full_page=True)
        browser.close()

    assert errors == []
    assert manifest["short_name"] == "Phản ánh ĐB"
    assert worker_state == "activated"
    assert shell == "1"
    assert "đang chờ gửi" in pending and "Sạt lở taluy" in pending
    assert len(posts) >= 2
    report = Report.objects.get()
    assert report.reference == reference and link.endswith(f"/phan-anh/{reference}/")
    assert report.title == "Sạt lở taluy đường vào bản"
    assert report.commune.code == COMMUNE
    assert report.channel == "app"
    assert Media.objects.filter(report=report).count() == 1
    assert IdempotencyKey.objects.filter(report=report).count() == 1
    # The account's name and phone, since the offline form left them empty.
    assert report.identity.full_name == "Lò Thị Ngoại"


def test_draft_waits_for_sign_in_when_the_session_ended_offline(live_server, rows):
    category, user = rows
    here = AdminUnit.objects.filter(code=COMMUNE).first().geom.point_on_surface
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context = browser.new_context(
            geolocation={"latitude": here.y, "longitude": here.x}, permissions=["geolocation"]
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, live_server.url)
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.reload()
        compose(page, category, "Đèn đường hỏng", "Cả dãy đèn đường tắt từ tối qua.")
        page.click("form#report-form button[type=submit]")
        page.wait_for_selector("#outbox li[data-state=pending]")
        # The session ends while the phone is offline.
        context.clear_cookies()
        context.set_offline(False)
        page.wait_for_selector("#outbox li[data-state=login]")
        waiting = page.locator("#outbox li").inner_text()
        page.click("#outbox li a[href^='/dang-nhap/']")
        sign_in(page, None)
        # Signed in again, the login page leads back to the form, which sends the draft.
        page.wait_for_selector("#outbox li[data-state=sent] a.reference", timeout=15000)
        reference = page.locator("#outbox li a.reference").inner_text()
        browser.close()

    assert errors == []
    assert "phiên đăng nhập đã hết" in waiting and "Đèn đường hỏng" in waiting
    assert Report.objects.get().reference == reference


def test_form_post_lost_on_the_network_is_kept_and_sent_under_its_own_key(live_server, rows):
    category, user = rows
    here = AdminUnit.objects.filter(code=COMMUNE).first().geom.point_on_surface
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context = browser.new_context(
            geolocation={"latitude": here.y, "longitude": here.x}, permissions=["geolocation"]
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, live_server.url)
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        compose(page, category, "Cống thoát nước bị tắc", "Nước tràn ra đường mỗi khi mưa.")
        form_key = page.input_value("[name=idempotency_key]")
        # The phone believes it is online (weak signal) and posts the form; the post fails.
        context.set_offline(True)
        page.evaluate(
            "() => Object.defineProperty(navigator, 'onLine', "
            "{ get: () => true, configurable: true })"
        )
        page.click("form#report-form button[type=submit]")
        page.wait_for_selector("#outbox li[data-state=pending]")
        context.set_offline(False)
        page.wait_for_selector("#outbox li[data-state=sent] a.reference", timeout=15000)
        reference = page.locator("#outbox li a.reference").inner_text()
        browser.close()

    assert errors == []
    report = Report.objects.get()
    assert report.reference == reference
    # Sent again the way the form posts (the web channel), where its key finds a report that
    # might have been filed by the lost post already.
    assert IdempotencyKey.objects.get(report=report).key == form_key
    assert report.channel == "web"
