"""The report form in five steps, in Chromium, as a citizen on a phone (390×844, touch) and on a
desktop: a step's error sits on its field, the category is suggested from words typed without
diacritics and chosen with one tap, two photos show as two thumbnails, a page left at step 3
comes back with its draft and photos, the report is filed once with its photos and the draft is
gone; a field the portal refuses brings the citizen back to its step with the photos kept.
axe runs on every step at both sizes; screenshots of each step go to ARTIFACTS/submit-steps/.

Runs against the live test server with committed data, limited to the reports and suggest
tables so the session's boundary data survives the flush (as tests/reports/test_browser.py)."""

import io

import pytest
from PIL import Image

from boundaries.models import AdminUnit
from reports.models import Media, Report, User
from routing_rules.models import Agency, Category
from suggest.selectors import category_suggest
from tests.a11y.axe import axe_check
from tests.browser import ARTIFACTS, DESKTOP, PHONE, chromium_launch, needs_chromium
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True, available_apps=["reports", "suggest"]),
]
COMMUNE = "03127"  # Phường Điện Biên Phủ
SHOTS = ARTIFACTS / "submit-steps"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
DRAFT_PHOTOS = """owner => new Promise((resolve) => {
  const open = indexedDB.open('dienbien-draft', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('photos', { keyPath: 'owner' });
  open.onsuccess = () => {
    const get = open.result.transaction('photos').objectStore('photos').get(owner);
    get.onsuccess = () => {
      resolve(get.result ? get.result.files.length : 0);
      open.result.close();
    };
  };
})"""


@pytest.fixture
def rows():
    categories = [
        CategoryFactory(
            code="steps-dien",
            name="Hạ tầng điện",
            description="Cột điện nghiêng, đổ; dây điện võng, đứt.",
            keywords=["cột điện", "dây điện", "cột điện đổ"],
        ),
        CategoryFactory(code="steps-rac", name="Vệ sinh môi trường", keywords=["rác", "nước thải"]),
        CategoryFactory(code="steps-duong", name="Đường, vỉa hè", keywords=["ổ gà", "vỉa hè"]),
    ]
    agency = AgencyFactory(
        code="steps-ubnd", kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=[COMMUNE]
    )
    user = UserFactory(username="steps-dan", full_name="Lò Thị Bước", phone="0912000333")
    # The live server runs in this process: its first suggestion need not train the model
    # while the browser waits.
    category_suggest(text="cột điện")
    yield user
    Report.objects.all().delete()
    User.objects.filter(pk=user.pk).delete()
    Category.objects.filter(pk__in=[c.pk for c in categories]).delete()
    Agency.objects.filter(pk=agency.pk).delete()


def photo(name: str, colour: tuple[int, int, int]) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def open_form(browser, live_server, options, here):
    context = browser.new_context(
        **options,
        geolocation={"latitude": here.y, "longitude": here.x},
        permissions=["geolocation"],
        service_workers="block",  # the worker's cache is tests/pwa's subject, not this one's
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("[name=username]", "steps-dan")
    page.fill("[name=password]", "mat-khau-thu-1")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/phan-anh/gui/")
    page.wait_for_function("() => document.querySelectorAll('#map path').length > 10")
    return context, page, errors


def at_step(page, size: str, step: int, *, check: bool = True) -> str:
    """The step shown, checked by axe and photographed (once per step and size); its progress
    line."""
    page.wait_for_selector(f"#step-{step}:not([hidden])")
    current = page.locator(".steps-progress li[aria-current=step]").get_attribute("data-step")
    assert current == str(step)
    if check:
        axe_check(page, f"submit step {step} ({size})")
        page.screenshot(path=str(SHOTS / f"step-{step}-{size}.png"), full_page=True)
    return page.locator("#step-count").inner_text()


def test_phone_walks_five_steps_keeps_a_draft_and_files_once(live_server, rows):
    user = rows
    here = AdminUnit.objects.filter(code=COMMUNE).first().geom.point_on_surface
    SHOTS.mkdir(parents=True, exist_ok=True)
    draft_key = f"dienbien-draft:{user.pk}"
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context, page, errors = open_form(browser, live_server, PHONE, here)
        first_count = at_step(page, "phone", 1)
        phone_scrolls = page.evaluate(NO_SIDEWAYS_SCROLL)
        # No pin yet: the error sits on the place search, which gets the focus.
        page.click("#step-next")
        place_error = page.locator("#location_error").inner_text()
        place_field = page.evaluate(
            "() => { const a = document.getElementById('address'); return [a.getAttribute("
            "'aria-invalid'), a.getAttribute('aria-describedby'), document.activeElement.id]; }"
        )
        page.click("#gps-find")
        page.wait_for_function("() => document.getElementById('place-commune').textContent")
        commune_line = page.locator("#place-commune").inner_text()
        assert page.locator("#location_error").count() == 0
        page.click("#step-next")
        second_count = at_step(page, "phone", 2)
        page.click("#step-next")  # nothing written: the title says so
        title_error = page.evaluate(
            "() => { const t = document.getElementById('id_title'); return [t.getAttribute("
            "'aria-invalid'), document.getElementById(t.getAttribute('aria-describedby'))"
            ".textContent, document.activeElement.id]; }"
        )
        page.fill("[name=title]", "Cột điện đổ")
        page.fill("[name=description]", "cot dien do giua duong")
        choice = page.locator("#category-suggest button.choice").first
        choice.wait_for(timeout=15_000)
        suggested = choice.inner_text()
        choice.tap()
        chosen = page.input_value("[name=category]")
        pressed = choice.get_attribute("aria-pressed")
        page.click("#step-next")
        at_step(page, "phone", 3)
        two = [photo("cot-1.jpg", (90, 90, 90)), photo("cot-2.jpg", (20, 90, 20))]
        page.set_input_files("[name=media]", files=two)
        page.wait_for_selector("#photo-list li:nth-child(2) canvas")
        thumbnails = page.locator("#photo-list canvas[role=img]").count()
        saved_step = f"JSON.parse(localStorage.getItem('{draft_key}') || '{{}}').step"
        page.wait_for_function(f"() => {saved_step} === 3")
        page.wait_for_function(f"() => ({DRAFT_PHOTOS})({user.pk}).then(n => n === 2)")

        # The citizen leaves the page at step 3, and comes back.
        page.goto(live_server.url + "/")
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_selector("#draft-notice:not([hidden])")
        notice = page.locator("#draft-notice").inner_text()
        restored_count = at_step(page, "phone", 3, check=False)
        page.wait_for_selector("#photo-list li:nth-child(2) canvas")
        restored_photos = page.locator("#photo-list li").count()
        page.click("#step-next")
        at_step(page, "phone", 4)
        page.click("#step-next")
        at_step(page, "phone", 5)
        summary = page.locator("#step-summary").inner_text()
        # "Sửa" on the title opens step 2 at the title.
        page.click("#step-summary .summary-row:has(dt:text('Tiêu đề')) button")
        edit_focus = page.evaluate("() => document.activeElement.name")
        page.click(".steps-progress li[data-step='5'] button")
        page.click("#report-send")
        page.wait_for_url("**/phan-anh/PA-*/")
        reference = page.url.rstrip("/").rsplit("/", 1)[-1]
        # The next opening of the form finds no draft, and no photos are kept.
        page.goto(live_server.url + "/phan-anh/gui/")
        page.wait_for_selector("#step-1:not([hidden])")
        left = page.evaluate(f"() => localStorage.getItem('{draft_key}')")
        left_photos = page.evaluate(f"({DRAFT_PHOTOS})", user.pk)
        notice_after = page.locator("#draft-notice").is_hidden()
        context.close()
        browser.close()

    assert errors == []
    assert first_count == "Bước 1/5: Ở đâu" and second_count == "Bước 2/5: Việc gì"
    assert phone_scrolls
    assert "chấm vị trí" in place_error
    assert place_field == ["true", "location_error", "address"]
    assert "Điện Biên Phủ" in commune_line
    assert title_error[0] == "true" and "tiêu đề" in title_error[1] and title_error[2] == "id_title"
    assert suggested == "Hạ tầng điện" and chosen == "steps-dien" and pressed == "true"
    assert thumbnails == 2
    assert "Đã khôi phục bản nháp" in notice and "Xoá bản nháp" in notice
    assert restored_count.startswith("Bước 3/5") and restored_photos == 2
    assert "Cột điện đổ" in summary and "Hạ tầng điện" in summary and "cot-2.jpg" in summary
    assert "Lò Thị Bước" in summary
    assert edit_focus == "title"
    report = Report.objects.get(title="Cột điện đổ")
    assert report.reference == reference and report.category.code == "steps-dien"
    assert report.commune.code == COMMUNE
    assert Media.objects.filter(report=report).count() == 2
    assert left is None and left_photos == 0 and notice_after


def test_desktop_refused_field_opens_its_step_with_the_photos_kept(live_server, rows):
    here = AdminUnit.objects.filter(code=COMMUNE).first().geom.point_on_surface
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context, page, errors = open_form(browser, live_server, DESKTOP, here)
        at_step(page, "desktop", 1)
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.set_viewport_size({"width": 640, "height": 400})  # 1280×800 at 200 %
        zoomed = page.evaluate(NO_SIDEWAYS_SCROLL)
        page.set_viewport_size(DESKTOP["viewport"])
        page.click("#gps-find")
        page.wait_for_function("() => document.getElementById('place-commune').textContent")
        page.click("#step-next")
        at_step(page, "desktop", 2)
        page.fill("[name=title]", "Rác ùn ứ")
        page.fill("[name=description]", "Rác thải ùn ứ ở đầu ngõ ba ngày nay.")
        page.select_option("[name=category]", "steps-rac")
        page.click("#step-next")
        at_step(page, "desktop", 3)
        page.set_input_files("[name=media]", files=[photo("rac.jpg", (120, 80, 40))])
        page.wait_for_selector("#photo-list canvas")
        page.wait_for_timeout(400)  # the draft's save (300 ms after the change)
        page.click("#step-next")
        at_step(page, "desktop", 4)
        page.fill("[name=phone]", "số của tôi")  # the portal refuses it: the browser cannot tell
        page.click("#step-next")
        at_step(page, "desktop", 5)
        page.set_viewport_size({"width": 640, "height": 400})
        zoomed_summary = page.evaluate(NO_SIDEWAYS_SCROLL)
        page.set_viewport_size(DESKTOP["viewport"])
        page.click("#report-send")
        # The portal's answer: step 4, the phone field marked and focused, the photo still there.
        page.wait_for_selector("#step-4:not([hidden])")
        refused = page.evaluate(
            "() => { const f = document.getElementById('id_phone'); return [f.getAttribute("
            "'aria-invalid'), document.getElementById('id_phone_error').textContent, "
            "document.activeElement.id]; }"
        )
        at_step(page, "desktop", 4, check=False)
        page.wait_for_selector("#photo-list canvas", state="attached")
        page.fill("[name=phone]", "0912000333")
        page.click("#step-next")
        page.click("#report-send")
        page.wait_for_url("**/phan-anh/PA-*/")
        context.close()
        browser.close()

    assert errors == []
    assert zoomed and zoomed_summary
    assert refused[0] == "true" and refused[1] and refused[2] == "id_phone"
    report = Report.objects.get(title="Rác ùn ứ")
    assert report.category.code == "steps-rac" and report.identity.phone == "0912000333"
    assert Media.objects.filter(report=report).count() == 1
