"""Every page of the portal in Debian's Chromium, as the person who uses it, at phone (390×844)
and desktop (1280×800) sizes: no serious or critical WCAG 2.1 AA violation by axe-core, tap
targets of 24×24 CSS px or more, no sideways scroll at 200 % zoom (640×400 CSS px), and each
main form's errors tied to their fields. One browser; a context per size, reused by every
persona (its session cookie swapped); screenshots to ARTIFACTS/a11y/."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from reports.models import Assignment, Notification, Report, Result, Role
from reports.services.submission import report_submit
from routing_rules.models import Agency
from tests.a11y._checks import form_error_problems, page_problems, zoom_problems
from tests.browser import ARTIFACTS, SIZES, chromium_launch, needs_chromium
from tests.conftest import force_login_unverified
from tests.reports.factories import CategoryFactory, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    # Only these apps' tables are flushed afterwards (the session's boundaries stay).
    pytest.mark.django_db(
        transaction=True,
        available_apps=[
            "reports",
            "routing_rules",
            "alerts",
            "maps",
            "stats",
            "outbox",
            "privacy",
            "axes",
            "knox",
            "django_otp",
            "django_otp.plugins.otp_totp",
            "gis_portal.accounts",
            "django.contrib.sessions",
            "django.contrib.admin",
        ],
    ),
]
SHOTS = ARTIFACTS / "a11y"
DBP = (103.0578, 21.4156)  # Phường Điện Biên Phủ (03127)
Status = Report.Status


def _session(user, *, verified=True) -> str:
    client = Client()
    if verified:
        client.force_login(user)  # a verified second factor for staff (tests/conftest.py)
    else:
        force_login_unverified(client, user)
    return client.cookies["sessionid"].value


@pytest.fixture
def portal():
    """Rows every page needs, a session per persona, and the error pages rendered for a route."""
    category = CategoryFactory(code="a11y-ve-sinh", name="Vệ sinh môi trường")
    agency, _ = Agency.objects.get_or_create(
        code="ubnd-dien-bien-phu",
        defaults={
            "name": "UBND phường Điện Biên Phủ",
            "kind": Agency.Kind.COMMUNE_UBND,
            "jurisdiction_codes": ["03127"],
        },
    )
    citizen = UserFactory(username="a11y-dan", full_name="Lò Văn Thử", phone="0912000111")
    ioc = UserFactory(username="a11y-ioc", role=Role.IOC_OPERATOR)
    cast = {
        "citizen": citizen,
        "ioc": ioc,
        "supervisor": UserFactory(username="a11y-giamsat", role=Role.SUPERVISOR),
        "officer": UserFactory(username="a11y-canbo", role=Role.AGENCY_OFFICER, agency=agency),
        "planner": UserFactory(username="a11y-quyhoach", role=Role.PLANNER),
        "volunteer": UserFactory(username="a11y-tnv", role=Role.VOLUNTEER, phone="0912000222"),
    }

    def filed(status, **fields):
        report = report_submit(
            user=citizen,
            category=category,
            title=f"Rác thải đổ trộm ({status})",
            description="Rác tồn đọng nhiều ngày cạnh đường, bốc mùi.",
            lon=DBP[0],
            lat=DBP[1],
        ).report
        if status != Status.SUBMITTED:
            fields.setdefault("current_agency", agency)
        Report.objects.filter(pk=report.pk).update(status=status, **fields)
        if status != Status.SUBMITTED:
            Assignment.objects.create(report=report, agency=agency, assigned_by=ioc)
        report.refresh_from_db()
        return report

    new = filed(Status.SUBMITTED)
    assigned = filed(Status.ASSIGNED, urgent=True)
    published = filed(Status.PUBLISHED)
    Result.objects.create(
        report=published,
        agency=agency,
        author=cast["officer"],
        text="Đã thu gom rác.",
        state=Result.State.PUBLISHED,
        is_public=True,
    )
    filed(Status.IN_PROGRESS, hidden=True, hidden_reason="Lộ thông tin cá nhân")
    Notification.objects.create(user=citizen, report=published, title="Phản ánh đã có kết quả")

    sessions = {name: _session(user) for name, user in cast.items()}
    sessions["public"] = None
    enrolling = UserFactory(username="a11y-ioc-moi", role=Role.IOC_OPERATOR)
    sessions["enrol"] = _session(enrolling, verified=False)
    verifying = UserFactory(username="a11y-ioc-cu", role=Role.IOC_OPERATOR)
    _session(verifying)  # gives the account a confirmed device
    sessions["verify"] = _session(verifying, verified=False)

    req = RequestFactory().get("/")
    req.user = AnonymousUser()
    rendered = {
        "/_a11y/429/": render_to_string(
            "too_many_requests.html", {"message": "Bạn gửi quá nhanh, thử lại sau 60 giây."}, req
        ),
        "/_a11y/khoa/": render_to_string(
            "signin_locked.html", {"message": "Tạm khoá đăng nhập 15 phút."}, req
        ),
        "/_a11y/503/": render_to_string(
            "service_unavailable.html", {"message": "Hệ thống đang bảo trì."}
        ),
    }
    pages = [
        ("public", "home", "/"),
        ("public", "map", "/ban-do/"),
        ("public", "public-list", "/phan-anh/"),
        ("public", "public-report", f"/phan-anh/{published.reference}/"),
        ("public", "help", "/huong-dan/"),
        ("public", "stats", "/thong-ke/"),
        ("public", "privacy", "/quyen-rieng-tu/"),
        ("public", "login", "/dang-nhap/"),
        ("public", "register", "/dang-ky/"),
        ("public", "claim", "/phan-anh/nhan/"),
        ("public", "404", "/khong-co-trang-nay/"),
        ("public", "429", "/_a11y/429/"),
        ("public", "signin-locked", "/_a11y/khoa/"),
        ("public", "503", "/_a11y/503/"),
        ("citizen", "submit", "/phan-anh/gui/"),
        ("citizen", "my-reports", "/phan-anh/cua-toi/"),
        ("citizen", "notifications", "/thong-bao/"),
        ("citizen", "alerts", "/theo-doi-khu-vuc/"),
        ("citizen", "account", "/tai-khoan/"),
        ("citizen", "own-report", f"/phan-anh/{assigned.reference}/"),
        ("citizen", "volunteer-apply", "/tinh-nguyen-vien/"),
        ("citizen", "403", "/tinh-nguyen-vien/gui-ho/"),
        ("ioc", "inbox", "/ioc/hop-thu/"),
        ("ioc", "inbox-urgent", "/ioc/hop-thu/?stage=urgent"),
        ("ioc", "drafts", "/ioc/cho-bo-sung/"),
        ("ioc", "hotline", "/ioc/duong-day-nong/"),
        ("ioc", "volunteer-review", "/ioc/tinh-nguyen-vien/"),
        ("ioc", "ioc-case", f"/phan-anh/{new.reference}/"),
        ("supervisor", "supervision", "/giam-sat/"),
        ("officer", "queue", "/co-quan/hang-doi/"),
        ("officer", "officer-map", "/ban-do/co-quan/"),
        ("officer", "officer-case", f"/phan-anh/{assigned.reference}/"),
        ("planner", "planner-map", "/ban-do/phan-tich/"),
        ("volunteer", "assisted", "/tinh-nguyen-vien/gui-ho/"),
        ("volunteer", "volunteer-filed", "/tinh-nguyen-vien/da-gui/"),
        ("enrol", "2fa-enrol", "/xac-thuc-hai-lop/thiet-lap/"),
        ("verify", "2fa-verify", "/xac-thuc-hai-lop/"),
    ]
    return {
        "pages": pages,
        "sessions": sessions,
        "rendered": rendered,
        "new": new.reference,
        "assigned": assigned.reference,
    }


def _fulfil_with(html: str):
    def handler(route):
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return handler


def _browse(live_server, portal, visit):
    """Run `visit(page, size, url)` over the pages, persona by persona, in each size's context."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        for size, options in SIZES.items():
            context = browser.new_context(**options)
            for path, html in portal["rendered"].items():
                context.route(live_server.url + path, _fulfil_with(html))
            page = context.new_page()
            page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))  # noqa: B023
            persona = "public"
            for who, label, path in portal["pages"]:
                if who != persona:
                    context.clear_cookies()
                    if portal["sessions"][who]:
                        context.add_cookies(
                            [
                                {
                                    "name": "sessionid",
                                    "value": portal["sessions"][who],
                                    "url": live_server.url,
                                }
                            ]
                        )
                    persona = who
                try:
                    problems += visit(page, size, label, live_server.url + path)
                except playwright_api.Error as exc:
                    problems.append(f"{label} ({size}): {exc}")
            context.close()
        browser.close()
    return problems


def _settle(page, url):
    page.goto(url, wait_until="load")
    if page.locator(".leaflet-container").count():
        page.wait_for_selector(".leaflet-container .leaflet-control-zoom", timeout=5000)


# The main forms, by page: an empty form posted without the browser's own checks, or a search
# with values the server refuses (the query string); each error must be tied to its field.
FORMS = {
    "login": ("main form.stack", None),
    "register": ("main form.stack", None),
    "submit": ("#report-form", None),
    "alerts": ("#alert-form", None),
    "inbox": ("main form[role=search]", "?created_after=x&channel=y"),
}
SUBMIT_UNCHECKED_JS = """
sel => { const form = document.querySelector(sel); form.noValidate = true;
  HTMLFormElement.prototype.submit.call(form); }
"""


def _form_errors_problems(page, label, url):
    form, query = FORMS[label]
    if query:
        _settle(page, url + query)
    else:
        with page.expect_navigation():
            page.evaluate(SUBMIT_UNCHECKED_JS, form)
    page.screenshot(path=str(SHOTS / f"{label}-errors.png"))
    return form_error_problems(page, form, label)


def test_every_page_passes_axe_tap_targets_zoom_and_ties_form_errors(live_server, portal):
    # One pass over the pages (the module's time budget): the form checks ride on the phone visit.
    def visit(page, size, label, url):
        _settle(page, url)
        page.screenshot(path=str(SHOTS / f"{label}-{size}.png"))
        found = page_problems(page, f"{label} ({size})")
        if size == "desktop":
            page.set_viewport_size({"width": 640, "height": 400})
            found += zoom_problems(page, label)
            page.set_viewport_size(SIZES["desktop"]["viewport"])
        elif label in FORMS:
            found += _form_errors_problems(page, label, url)
        return found

    problems = _browse(live_server, portal, visit)
    assert not problems, "\n\n".join(problems)
