"""In Chromium, under the portal's CSP: a citizen picks "circle", clicks the map, sets the
radius and saves; the alert is the clicked point with that radius, the page shows no CSP
violation and no script error."""

import pytest

from alerts.models import AreaAlert
from reports.models import User
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(
        transaction=True,
        available_apps=["alerts", "reports", "routing_rules", "axes", "django.contrib.admin"],
    ),
]


@pytest.fixture
def citizen():
    user = UserFactory(username="theodoi-trinh-duyet")
    yield user
    User.objects.filter(pk=user.pk).delete()


def test_a_circle_is_chosen_on_the_map(live_server, citizen):
    problems: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1000, "height": 1000})
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("[name=username]", citizen.username)
        page.fill("[name=password]", "mat-khau-thu-1")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")

        page.goto(live_server.url + "/theo-doi-khu-vuc/")
        assert page.is_hidden("#map")
        page.check("input[name=kind][value=circle]")
        page.wait_for_function("() => document.querySelectorAll('#map path').length > 10")
        assert page.is_hidden("#id_commune")
        page.fill("[name=radius_m]", "1500")
        page.click("#map")  # its centre: the view opens on the city
        page.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
        assert "1500 m" in page.text_content("#circle-status")
        page.screenshot(path=str(ARTIFACTS / "alerts-circle.png"))
        page.click("#alert-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        browser.close()
    assert problems == []
    alert = AreaAlert.objects.get(user=citizen)
    assert (alert.kind, alert.radius_m) == ("circle", 1500)
    assert 102.5 < alert.point.x < 103.6 and 21.0 < alert.point.y < 21.8
