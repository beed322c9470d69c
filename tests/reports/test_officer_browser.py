"""In Chromium, at a phone's size and a desktop's: a unit head opens the agency's queue, sees
each officer's workload and gives a case to an officer through the page; the officer's queue
map opens on the agency's own area. axe-core runs on each page; screenshots in
test-artifacts/agency/."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reports.models import Report, Role
from reports.selectors_officers import agency_area_bounds
from tests.a11y.axe import axe_check
from tests.browser import ARTIFACTS, SIZES, chromium_launch, needs_chromium
from tests.reports.conftest import Status
from tests.reports.factories import UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(
        transaction=True,
        available_apps=[
            "reports",
            "routing_rules",
            "maps",
            "outbox",
            "axes",
            "django.contrib.admin",
            "django.contrib.sessions",
        ],
    ),
]


def _signed_in(browser, live_server, user, size):
    client = Client()
    client.force_login(user)
    context = browser.new_context(**SIZES[size])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context.new_page()


def _shot(page, name: str) -> None:
    folder = ARTIFACTS / "agency"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def test_a_unit_head_assigns_a_case_and_the_officers_map_opens_on_the_area(
    live_server, monkeypatch, make_report, officer, ubnd_dbp
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    head = UserFactory(
        username="truong-trinh-duyet", role=Role.AGENCY_OFFICER, agency=ubnd_dbp, unit_head=True
    )
    officer.full_name = "Lường Văn Cán"
    officer.save(update_fields=["full_name"])
    west, south, east, north = agency_area_bounds(agency=ubnd_dbp)
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        for size in SIZES:
            report = make_report(Status.IN_PROGRESS)
            page = _signed_in(browser, live_server, head, size)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(live_server.url + reverse("reports-web:agency-queue"))
            workload = page.locator(f'.workload tr[data-officer="{officer.pk}"]')
            assert workload.locator(".open-count").inner_text() == "0"
            axe_check(page, f"agency queue ({size})")
            row = page.locator(f'tr[data-reference="{report.reference}"]')
            row.locator("select[name=officer]").select_option(str(officer.pk))
            with page.expect_navigation():
                row.locator("button[type=submit]").click()
            assert "Lường Văn Cán" in row.locator(".assigned-officer").inner_text()
            assert workload.locator(".open-count").inner_text() == "1"
            assert Report.objects.get(pk=report.pk).assigned_officer_id == officer.pk
            _shot(page, f"{size}-queue")
            Report.objects.filter(pk=report.pk).update(assigned_officer=None)
            page.context.close()

            page = _signed_in(browser, live_server, officer, size)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(live_server.url + reverse("maps-officer"))
            page.wait_for_function(
                "() => window.officerMap && document.querySelector("
                "'#officer-map').dataset.pins !== undefined"
            )
            view = page.evaluate(
                "() => { const b = window.officerMap.getBounds();"
                " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
            )
            # The view holds the agency's area, and is not the province around it.
            assert view[0] <= west and view[1] <= south and view[2] >= east and view[3] >= north
            assert (view[2] - view[0]) < 4 * (east - west) + 0.05
            axe_check(page, f"officer map ({size})")
            _shot(page, f"{size}-officer-map")
            page.context.close()
        browser.close()
    assert errors == []
