"""The submit form in a real browser: suggestions appear under the text, a click selects one."""

import pytest

from reports.models import User
from routing_rules.models import Category
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True, available_apps=["reports", "suggest"]),
]
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def rows():
    categories = [
        CategoryFactory(code="ve-sinh-moi-truong", name="Vệ sinh môi trường", keywords=["rác"]),
        CategoryFactory(
            code="ha-tang-dien",
            name=f"Hạ tầng điện {XSS}",
            description="Cột điện nghiêng, đổ; dây điện võng, đứt.",
            keywords=["cột điện", "dây điện"],
        ),
        CategoryFactory(code="ha-tang-duong", name="Đường, vỉa hè", keywords=["ổ gà", "vỉa hè"]),
    ]
    user = UserFactory(username="browser-goiy", full_name="Lò Văn Gợi", phone="0912000222")
    yield categories
    User.objects.filter(pk=user.pk).delete()
    Category.objects.filter(pk__in=[c.pk for c in categories]).delete()


def test_typing_shows_suggestions_and_a_click_selects_the_category(live_server, rows):
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(
            viewport={"width": 1100, "height": 1300},
            geolocation={"latitude": 21.3856, "longitude": 103.0233},  # Phường Điện Biên Phủ
            permissions=["geolocation"],
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("[name=username]", "browser-goiy")
        page.fill("[name=password]", "mat-khau-thu-1")
        page.click("button[type=submit]")
        page.goto(live_server.url + "/phan-anh/gui/")
        # The text is step 2 of the form (reports/steps.js): a pin first (the phone's GPS).
        page.click("#gps-find")
        page.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
        page.click("#step-next")
        assert page.locator("#category-suggest").is_hidden()
        page.locator("[name=description]").press_sequentially("cot dien nghieng sap do", delay=20)
        first = page.locator("#category-suggest button").first
        first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "suggest-typing.png"), full_page=True)
        # The name arrives as text: the markup in it is shown, never parsed.
        assert first.inner_text() == f"Hạ tầng điện {XSS}"
        assert page.locator("#category-suggest img").count() == 0
        first.click()
        assert page.locator("[name=category]").input_value() == "ha-tang-dien"
        assert first.get_attribute("aria-pressed") == "true"
        browser.close()
    assert errors == []
