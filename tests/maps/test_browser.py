"""The maps in Debian's Chromium (headless, driven by Playwright; no browser download).

Runs against the live test server with committed data, limited to the reports app's tables so
the session's boundary data survives the flush; routing rows are removed by hand. Screenshots
go to test-artifacts/.
"""

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from boundaries.models import Edition
from boundaries.selectors import commune_locate
from reports.models import Report, ReporterIdentity, Role, User
from reports.services import workflow
from routing_rules.models import Agency, Category
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.maps.conftest import DBP, MUONG_THANH, XSS
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")
PASSWORD = "mat-khau-thu-1"

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True, available_apps=["reports", "routing_rules", "maps"]),
]


@pytest.fixture
def world():
    category = CategoryFactory(code="maps-browser-cat", name="Vệ sinh môi trường (thử bản đồ)")
    ubnd = AgencyFactory(
        code="maps-browser-ubnd-dbp",
        name="UBND phường Điện Biên Phủ (thử)",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03127"],
    )
    other = AgencyFactory(
        code="maps-browser-ubnd-mt",
        name="UBND phường Mường Thanh (thử)",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03334"],
    )
    users = {
        "citizen": UserFactory(username="bd-dan", full_name="Lò Văn Thử", phone="0912000111"),
        "officer": UserFactory(username="bd-canbo", role=Role.AGENCY_OFFICER, agency=ubnd),
        "other": UserFactory(username="bd-canbo-mt", role=Role.AGENCY_OFFICER, agency=other),
        "ioc": UserFactory(username="bd-ioc", role=Role.IOC_OPERATOR),
        "planner": UserFactory(username="bd-quyhoach", role=Role.PLANNER),
    }
    yield {"category": category, "ubnd": ubnd, "other": other, **users}
    Report.objects.all().delete()
    User.objects.filter(agency__in=[ubnd, other]).delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk__in=[ubnd.pk, other.pk]).delete()


def add_report(world, point, *, status=Report.Status.PUBLISHED, title="Rác thải", age=3, **kw):
    location = commune_locate(lon=point[0], lat=point[1])
    report = Report.objects.create(
        category=world["category"],
        title=title,
        description="Thử.",
        point=f"SRID=4326;POINT({point[0]} {point[1]})",
        commune_id=location.commune.id,
        district_id=location.district.id if location.district else None,
        edition=Edition.objects.get(slug=location.edition),
        status=status,
        **kw,
    )
    report.reference = f"PA-B-{report.pk:06d}"
    report.created_at = timezone.now() - timedelta(days=age)
    report.save(update_fields=["reference", "created_at"])
    ReporterIdentity.objects.create(
        report=report, user=world["citizen"], full_name="Lò Văn Thử", phone="0912000111"
    )
    return report


def login(page, base, username):
    page.goto(base + "/dang-nhap/")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_public_map_shows_boundaries_and_pins_and_escapes_titles(live_server, world):
    add_report(world, DBP, title=XSS)
    add_report(world, MUONG_THANH, title="Đèn đường hỏng")
    add_report(world, DBP, title="Ẩn", hidden=True, hidden_reason="Vi phạm.")
    errors, dialogs = [], []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # phone-sized
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(live_server.url + "/ban-do/")
        page.wait_for_function("() => document.getElementById('public-map').dataset.communeLoaded")
        page.wait_for_function("() => document.getElementById('public-map').dataset.pins")
        communes = page.evaluate("document.getElementById('public-map').dataset.communeLoaded")
        pins = page.evaluate("document.getElementById('public-map').dataset.pins")
        # Open every pin's popup: the XSS title must be shown as text.
        page.evaluate(
            """() => { const m = window.publicMap; m.setView([21.4156, 103.0578], 17); }"""
        )
        page.wait_for_timeout(600)
        page.locator(".leaflet-marker-pane, .leaflet-overlay-pane path.leaflet-interactive")
        page.evaluate(
            """() => window.publicMap.eachLayer(l => { if (l.getPopup && l.getPopup() &&
                   l.feature === undefined && l.getLatLng) { l.openPopup(); } })"""
        )
        page.wait_for_timeout(300)
        popup_text = page.locator(".leaflet-popup-content").all_inner_texts()
        injected = page.locator(".leaflet-popup-content img[src='x']").count()
        page.wait_for_timeout(300)  # the tiles' fade-in
        page.screenshot(path=str(ARTIFACTS / "maps-public-tiles.png"))
        page.screenshot(path=str(ARTIFACTS / "maps-public.png"), full_page=True)
        credit = page.locator("#data-credit").inner_text()
        map_credit = page.locator("#public-map .map-credit").inner_text()
        browser.close()
    assert errors == [] and dialogs == []
    assert int(communes) == 45
    assert int(pins) == 2
    assert any(XSS in text for text in popup_text)
    assert injected == 0
    assert "Thang Le Quoc" in credit and "Thang Le Quoc" in map_credit


def test_citizen_drops_pin_then_the_right_officer_sees_it(live_server, world):
    errors = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 1100})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, live_server.url, "bd-dan")
        page.goto(live_server.url + "/ban-do/")
        page.wait_for_function("() => document.getElementById('public-map').dataset.communeLoaded")
        page.click("#report-here")
        page.evaluate("() => window.publicMap.setView([21.4156, 103.0578], 15, {animate: false})")
        page.wait_for_timeout(400)
        point = page.evaluate("() => window.publicMap.latLngToContainerPoint([21.4156, 103.0578])")
        box = page.locator("#public-map").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_selector("#report-here-link")
        page.screenshot(path=str(ARTIFACTS / "maps-report-here.png"))
        page.click("#report-here-link")
        page.wait_for_selector("form#report-form")
        lat = page.input_value("[name=lat]")
        # The pin came with the link: step 1 is done; what, then on to the check and send.
        page.click("#step-next")
        page.fill("[name=title]", "Cống thoát nước tắc")
        page.fill("[name=description]", "Nước tràn ra đường khi mưa.")
        page.select_option("[name=category]", world["category"].code)
        for _step in range(3):
            page.click("#step-next")
        page.click("form#report-form button[type=submit]")
        page.wait_for_url("**/phan-anh/PA-*/")
        browser.close()
    assert errors == []
    assert abs(float(lat) - 21.4156) < 0.01  # a pixel click, a few hundred metres at most
    report = Report.objects.get(title="Cống thoát nước tắc")
    assert report.commune.code == "03127"
    workflow.report_assign(
        actor=world["ioc"], report=report, agency=world["ubnd"], override_reason="Thử bản đồ."
    )

    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, live_server.url, "bd-canbo")
        page.goto(live_server.url + "/ban-do/co-quan/")
        page.wait_for_function("() => document.getElementById('officer-map').dataset.pins")
        rows = page.locator("#queue-list tr").all_inner_texts()
        page.locator("#queue-list tr").first.click()
        page.wait_for_selector(".leaflet-popup-content")
        page.screenshot(path=str(ARTIFACTS / "maps-officer-queue.png"))
        page.context.clear_cookies()
        login(page, live_server.url, "bd-canbo-mt")
        page.goto(live_server.url + "/ban-do/co-quan/")
        page.wait_for_function("() => document.getElementById('officer-map').dataset.pins")
        other_rows = page.locator("#queue-list tr").count()
        browser.close()
    assert errors == []
    assert any(report.reference in row for row in rows)
    assert other_rows == 0


def test_planner_heatmap_and_hotspot_layers_render(live_server, world):
    for k in range(15):
        add_report(world, DBP, status=Report.Status.IN_PROGRESS, age=k + 1)
    for point in [(103.3619, 21.8220), (102.4202, 22.2168), (103.4443, 21.6311)]:
        add_report(world, point, status=Report.Status.ASSIGNED)
    errors = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, live_server.url, "bd-quyhoach")
        page.goto(live_server.url + "/ban-do/phan-tich/")
        done = (
            "(k) => { const v = document.getElementById('planner-map').dataset[k];"
            " return v && v !== 'loading'; }"
        )
        page.wait_for_function(done, arg="heatmap")
        page.wait_for_function(done, arg="hotspots")
        heat_cells = int(page.evaluate("document.getElementById('planner-map').dataset.heatmap"))
        page.screenshot(path=str(ARTIFACTS / "maps-heatmap.png"))
        page.get_by_text("Điểm nóng / điểm lạnh (Gi*)").click()
        page.wait_for_timeout(300)
        hot_cells = int(page.evaluate("document.getElementById('planner-map').dataset.hotspots"))
        painted = page.locator(".leaflet-overlay-pane path").count()
        page.screenshot(path=str(ARTIFACTS / "maps-hotspots.png"))
        browser.close()
    assert errors == []
    assert heat_cells >= 4
    assert hot_cells >= 1
    assert painted >= heat_cells + hot_cells


# The tile points the page drew, through the page's own hook (no private VectorGrid fields).
FEATURES_JS = """() => {
  const drawn = window.publicTileFeatures();
  if (!drawn) { return null; }
  const seen = {};
  drawn.forEach(props => { if (props.id) { seen[props.id] = props.status; } });
  return seen;
}"""


def test_public_map_switches_to_vector_tiles_when_there_are_too_many_pins(
    live_server, world, settings
):
    settings.MAPS_GEOJSON_MAX_FEATURES = 3
    near = [(DBP[0] + 0.0006 * k, DBP[1]) for k in range(6)]
    shown = [add_report(world, near[k]) for k in range(3)]
    shown.append(add_report(world, near[3], status=Report.Status.IN_PROGRESS, title=XSS))
    shown.append(add_report(world, near[4], status=Report.Status.ASSIGNED))
    shown.append(add_report(world, near[5], status=Report.Status.REOPENED))
    add_report(world, DBP, hidden=True, hidden_reason="Vi phạm.")
    add_report(world, DBP, status=Report.Status.SUBMITTED)
    errors, dialogs = [], []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(live_server.url + "/ban-do/")
        page.wait_for_function(
            "() => document.getElementById('public-map').dataset.mode === 'tiles'"
        )
        # The boundaries fit the map to the province when they arrive: let them, then zoom.
        page.wait_for_function("() => document.getElementById('public-map').dataset.communeLoaded")
        page.evaluate("() => window.publicMap.setView([21.4156, 103.0593], 17, {animate: false})")
        page.wait_for_function(
            f"() => {{ const s = ({FEATURES_JS})(); return s && "
            f"Object.keys(s).length >= {len(shown)}; }}"
        )
        statuses = page.evaluate(FEATURES_JS)

        # The XSS-titled point's popup: Vietnamese status name, title as inert text.
        point = page.evaluate(
            "([lat, lon]) => window.publicMap.latLngToContainerPoint([lat, lon])",
            [near[3][1], near[3][0]],
        )
        box = page.locator("#public-map").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_selector(".leaflet-popup-content")
        popup = page.locator(".leaflet-popup-content").inner_text()
        injected = page.locator(".leaflet-popup-content img[src='x']").count()
        page.wait_for_timeout(300)  # the tiles' fade-in
        page.screenshot(path=str(ARTIFACTS / "maps-public-tiles.png"))

        # The resolved-items overlay toggles the tile points too.
        page.get_by_text("Phản ánh đã có kết quả").click()
        # Tiles reload one by one: wait for the whole remaining set, not the first tile.
        page.wait_for_function(
            f"() => {{ const s = ({FEATURES_JS})(); return s && "
            "!Object.values(s).includes('published') && "
            f"Object.keys(s).length >= {len(shown) - 3}; }}"
        )
        remaining = page.evaluate(FEATURES_JS)
        browser.close()
    assert errors == [] and dialogs == []
    assert {int(k) for k in statuses} == {r.pk for r in shown}
    assert XSS in popup and "Đang xử lý" in popup and injected == 0
    assert set(remaining.values()) == {"in_progress", "assigned", "reopened"}


def is_public_reports(url):
    return "/maps/public/reports/" in url


def test_public_map_keeps_the_newest_filter_when_an_older_response_arrives_late(live_server, world):
    add_report(world, DBP, title="Đã xử lý xong")
    add_report(world, MUONG_THANH, status=Report.Status.IN_PROGRESS, title="Đang sửa")
    held, errors = [], []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def hold_published(route):
            if "status=published" in route.request.url:
                held.append(route)  # answered only after the newer filter has been shown
            else:
                route.continue_()

        page.route(is_public_reports, hold_published)
        page.goto(live_server.url + "/ban-do/")
        page.wait_for_function("() => document.getElementById('public-map').dataset.pins === '2'")
        page.select_option("#map-filters [name=status]", "published")
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(50)
        page.select_option("#map-filters [name=status]", "in_progress")
        page.wait_for_function("() => document.getElementById('public-map').dataset.pins === '1'")
        # The older request's answer finally arrives: an empty result that must not win.
        for route in held:
            with contextlib.suppress(playwright_api.Error):  # the page may have aborted it
                route.fulfill(json={"type": "FeatureCollection", "count": 0, "features": []})
        page.wait_for_timeout(500)
        pins = page.evaluate("document.getElementById('public-map').dataset.pins")
        status = page.locator("#map-status").inner_text()
        browser.close()
    assert held, "the older request was never intercepted"
    assert errors == []
    assert pins == "1" and status == "1 phản ánh."


def test_public_map_reports_failed_requests_in_the_status_line(live_server, world):
    add_report(world, DBP)
    failure = {"mode": "error"}
    errors = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def fail(route):
            if failure["mode"] == "error":
                route.fulfill(status=500, body="<h1>Server Error</h1>", content_type="text/html")
            else:
                route.abort("connectionrefused")

        page.route(is_public_reports, fail)
        page.goto(live_server.url + "/ban-do/")
        page.wait_for_function(
            "() => document.getElementById('map-status').textContent.startsWith('Không tải được')"
        )
        server_error = page.locator("#map-status").inner_text()
        page.screenshot(path=str(ARTIFACTS / "maps-public-error.png"))
        failure["mode"] = "network"
        page.select_option("#map-filters [name=status]", "published")
        page.wait_for_function(
            "() => document.getElementById('map-status').textContent.includes('kết nối')"
        )
        network_error = page.locator("#map-status").inner_text()
        browser.close()
    assert errors == []  # no unhandled rejection either
    assert server_error == "Không tải được dữ liệu: HTTP 500"
    assert network_error == "Không tải được dữ liệu: mất kết nối tới máy chủ"
