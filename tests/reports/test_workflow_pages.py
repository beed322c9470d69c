"""Every step of the regulation done as people do it: through the pages, in Chromium, with
axe-core run on every page visited and a screenshot of each (test-artifacts/workflow/<size>/).
Each test has people at both sizes, each at the screen they would use: citizens on a phone,
the IOC and agencies mostly at a desk, and on a phone when out (an IOC operator hiding a report,
an officer answering from the field) — tests/a11y/test_pages.py checks every page at both sizes
besides.

The IOC verifies and assigns; the agency starts, asks for more time, which the IOC grants from
its inbox, and sends a result with photos of the fix before and after (thumbnails shown before
sending); the IOC sees them and publishes; the public sees both; the reporter rates it and
disagrees; the IOC reopens it. Then: a rejection from a ready answer, a merge picked on the
map, a hide signed off by a supervisor, a comment that reaches the reporter, a search without
diacritics, and the switch to English."""

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from outbox.services import outbox_relay
from reports.models import (
    Extension,
    Follow,
    Media,
    Notification,
    Rating,
    Report,
    ResponseTemplate,
)
from tests.a11y.axe import axe_check
from tests.browser import ARTIFACTS, SIZES, chromium_launch, needs_chromium
from tests.reports.conftest import DBP, Status
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
            "outbox",
            "axes",
            "django_otp",
            "django_otp.plugins.otp_totp",
            "django.contrib.admin",
            "django.contrib.sessions",
        ],
    ),
]


@pytest.fixture
def size():
    """The screen of people at a desk (the IOC, agencies); a test may ask for both sizes."""
    return "desktop"


@pytest.fixture
def browser(monkeypatch):
    # The test reads and writes the database between two pages, in the thread Playwright's
    # event loop runs in; the live server answers from its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        yield browser
        browser.close()


class Person:
    """One signed-in person's browser: the session is made by Django's test client (sign-in
    itself, with its second factor, has its own browser tests)."""

    def __init__(self, browser, live_server, user, size: str, errors: list, folder: str):
        self.base, self.size, self.shots, self.folder = live_server.url, size, 0, folder
        self.context = browser.new_context(**SIZES[size])
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base}]
            )
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: errors.append(str(exc)))
        self.name = user.username if user else "public"

    def check(self, label: str) -> None:
        """axe on the page as it is now, and a screenshot of it."""
        self.page.wait_for_load_state("load")
        axe_check(self.page, f"{label} ({self.size})")
        folder = ARTIFACTS / "workflow" / self.size / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        name = f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(folder / name))

    def open(self, path: str, label: str) -> None:
        self.page.goto(self.base + path)
        self.check(label)

    def submit(self, form_action: str, label: str, button: str | None = None) -> None:
        """Press the submit button of the form posting to `form_action` (the page's own)."""
        form = self.page.locator(f'form[action$="/{form_action}/"]').first
        target = form.locator(button or "button[type=submit]").first
        target.scroll_into_view_if_needed()
        with self.page.expect_navigation():
            target.click()
        self.check(label)

    def message(self) -> str:
        return " ".join(self.page.locator("main .msg").all_inner_texts())


def case(reference: str) -> str:
    return f"/phan-anh/{reference}/"


def jpeg(path, colour) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def person(request, browser, live_server, size, errors):
    """A browser for one person (at the test's size, or the one they use), its screenshots
    filed under the test's name."""
    folder = request.node.originalname.removeprefix("test_")[:60]
    return lambda user, at=None: Person(browser, live_server, user, at or size, errors, folder)


@pytest.fixture
def errors():
    """Script errors of every page of the test: there must be none."""
    return []


@pytest.fixture
def people(reporter, ioc, officer, supervisor):
    return {"reporter": reporter, "ioc": ioc, "officer": officer, "supervisor": supervisor}


def _photos_shown(page, selector: str) -> int:
    return page.evaluate(
        "s => [...document.querySelectorAll(s)].filter(i => i.complete && i.naturalWidth > 0)"
        ".length",
        selector,
    )


def test_a_report_goes_from_intake_to_reopening_through_the_pages(
    person, errors, people, submit, ubnd_dbp, category, tmp_path
):
    # A rubbish report: the province wants a photo of the fix with the result.
    category.result_photos_required = True
    category.save(update_fields=["result_photos_required"])
    report = submit()
    ref = report.reference
    ResponseTemplate.objects.create(
        kind=ResponseTemplate.Kind.RESULT, title="Đã dọn", body="Đã thu gom rác và vệ sinh khu vực."
    )
    ioc = person(people["ioc"])
    officer = person(people["officer"])
    reporter = person(people["reporter"], at="phone")

    # The IOC verifies and assigns to the agency the routing suggests.
    ioc.open("/ioc/hop-thu/?tab=cho-tiep-nhan", "inbox-intake")
    assert ref in ioc.page.locator("main").inner_text()
    ioc.open(case(ref), "case-intake")
    ioc.page.select_option("#assign-agency", ubnd_dbp.code)
    if ioc.page.locator("#assign-override").is_visible():
        ioc.page.fill("#assign-override", "Đúng địa bàn phường")
    ioc.submit("assign", "assigned")
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.current_agency == ubnd_dbp

    # The agency starts, then asks for two more working days.
    officer.open(case(ref), "case-assigned")
    officer.submit("start", "started")
    officer.page.fill("#ext-days", "2")
    officer.page.fill("#ext-reason", "Chờ xe chuyên dụng")
    officer.submit("extension", "extension-asked")
    due_before = Report.objects.get(pk=report.pk).due_at

    # The IOC grants it from the inbox's row, and stays on that list.
    ioc.open("/ioc/hop-thu/?tab=xin-gia-han", "inbox-extensions")
    ioc.submit("extension-decide", "extension-granted", 'button[value="true"]')
    assert "tab=xin-gia-han" in ioc.page.url
    assert Extension.objects.get(report=report).state == Extension.State.APPROVED
    assert Report.objects.get(pk=report.pk).due_at > due_before

    # The agency sends its result from a ready answer, with photos of the fix before and
    # after (required here), seen as thumbnails before sending.
    officer.open(case(ref), "case-in-progress")
    assert "bắt buộc có ít nhất một ảnh sau khi xử lý" in officer.page.inner_text("main")
    officer.page.select_option("#result-template", label="Đã dọn")
    assert "thu gom rác" in officer.page.input_value("#result-text")
    officer.page.set_input_files("#result-before", jpeg(tmp_path / "truoc.jpg", (120, 90, 40)))
    officer.page.set_input_files("#result-after", jpeg(tmp_path / "sau.jpg", (20, 160, 60)))
    officer.page.wait_for_function(
        "() => [...document.querySelectorAll('.evidence-inputs canvas.photo-thumb')]"
        ".filter(c => c.width > 0 && c.getContext('2d').getImageData(1, 1, 1, 1)"
        ".data[3] > 0).length === 2"
    )
    officer.check("result-photos-chosen")
    officer.submit("result", "result-sent")
    assert Report.objects.get(pk=report.pk).status == Status.RESULT_SUBMITTED
    assert Media.objects.filter(report=report, result__isnull=False).count() == 2

    # The IOC sees the photos with the result it approves, and publishes it.
    ioc.open("/ioc/hop-thu/?tab=cho-duyet-ket-qua", "inbox-results")
    ioc.open(case(ref), "case-result")
    assert _photos_shown(ioc.page, ".pending-result .evidence-photo") == 2
    ioc.submit("publish", "published")
    assert Report.objects.get(pk=report.pk).status == Status.PUBLISHED

    # The public sees the fix before and after, side by side.
    public = person(None, at="phone")
    public.open(case(ref), "public-result")
    shown = public.page.locator("section.result .evidence figcaption").all_inner_texts()
    assert shown == ["Trước khi xử lý", "Sau khi xử lý"]
    assert _photos_shown(public.page, "section.result .evidence-photo") == 2
    after = Media.objects.get(report=report, role=Media.Role.AFTER).file.name
    assert public.page.get_attribute("section.result .evidence a >> nth=1", "href").endswith(after)

    # The reporter rates the result, then says why they disagree.
    outbox_relay()
    reporter.open(case(ref), "case-published")
    reporter.page.locator('form[action$="/rate/"] input[value="unsatisfied"]').check()
    reporter.submit("rate", "rated")
    reporter.page.fill("#dispute-reason", "Rác vẫn còn ở đầu ngõ")
    reporter.submit("dispute", "disputed")
    assert Rating.objects.get(report=report).value == "unsatisfied"

    # The IOC finds it under "không hài lòng" and reopens it.
    ioc.open("/ioc/hop-thu/?tab=khong-hai-long", "inbox-disputed")
    assert ref in ioc.page.locator("main").inner_text()
    ioc.open(case(ref), "case-disputed")
    ioc.page.fill("#reopen-reason", "Người dân báo rác vẫn còn")
    ioc.submit("reopen", "reopened")
    assert Report.objects.get(pk=report.pk).status == Status.REOPENED
    assert errors == []


def test_intake_rejects_from_a_ready_answer_and_merges_a_duplicate_picked_on_the_map(
    person, errors, people, submit, ubnd_dbp
):
    ResponseTemplate.objects.create(
        kind=ResponseTemplate.Kind.REJECT,
        title="Khiếu nại, tố cáo",
        body="Nội dung là khiếu nại, không thuộc phạm vi phản ánh hiện trường.",
        resubmit_hint="Gửi đơn khiếu nại đến cơ quan có thẩm quyền.",
    )
    complaint = submit(title="Khiếu nại quyết định thu hồi đất")
    original = submit(title="Rác đổ cạnh chợ")
    duplicate = submit(title="Rác ở chợ", lon=DBP[0] + 0.0004, lat=DBP[1] + 0.0003)
    ioc = person(people["ioc"])

    ioc.open(case(complaint.reference), "case-complaint")
    ioc.page.select_option("#reject-template", label="Khiếu nại, tố cáo")
    assert "khiếu nại" in ioc.page.input_value("#reject-reason")
    assert ioc.page.input_value("#reject-hint").startswith("Gửi đơn")
    ioc.submit("reject", "rejected")
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED

    ioc.open(case(duplicate.reference), "case-duplicate")
    ioc.page.wait_for_function(
        "() => document.querySelectorAll('#map path.leaflet-interactive').length > 1"
    )
    # The candidate's marker on the small map ticks its choice in the merge form.
    marker = ioc.page.locator('#map path.leaflet-interactive[stroke="#0b4f8a"]').first
    marker.scroll_into_view_if_needed()
    marker.click(force=True)
    chosen = ioc.page.locator(f'input[name=into][value="{original.reference}"]')
    assert chosen.is_checked()
    ioc.submit("merge", "merged")
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of_id == original.pk
    assert errors == []


def test_a_hide_takes_effect_at_once_and_a_supervisor_signs_it_off(
    person, errors, people, make_report
):
    report = make_report(Status.IN_PROGRESS)
    ioc = person(people["ioc"], at="phone")
    supervisor = person(people["supervisor"])
    public = person(None, at="phone")

    ioc.open(case(report.reference), "case-to-hide")
    ioc.page.fill("#hide-reason", "Ảnh có biển số xe của người khác")
    ioc.submit("hide", "hidden")
    report.refresh_from_db()
    assert report.hidden and report.hide_reviewed_at is None
    public.page.goto(public.base + case(report.reference))
    assert report.title not in public.page.locator("main").inner_text()

    supervisor.open("/giam-sat/", "supervision")
    assert "biển số xe" in supervisor.page.locator("#waiting-h + p + table").inner_text()
    supervisor.submit("hide-approve", "hide-signed")
    report.refresh_from_db()
    assert report.hidden and report.hide_reviewed_by == people["supervisor"]
    assert errors == []


def test_a_comment_reaches_the_reporter_search_ignores_diacritics_and_english_is_chosen(
    person, errors, people, make_report, submit
):
    report = make_report(Status.IN_PROGRESS)
    pole = submit(title="Cột điện nghiêng giữa đường", description="Cột sắp đổ.")
    follower = UserFactory(username="theodoi")
    Follow.objects.create(report=report, user=follower)
    outbox_relay()
    officer = person(people["officer"], at="phone")
    reporter = person(people["reporter"], at="phone")
    ioc = person(people["ioc"])

    officer.open(case(report.reference), "case-comment")
    form = officer.page.locator('form[action$="/trao-doi/"]').first
    form.locator("textarea[name=body]").fill("Sáng mai đội vệ sinh sẽ đến.")
    with officer.page.expect_navigation():
        form.locator("button[type=submit]").click()
    officer.check("commented")
    outbox_relay()
    assert set(
        Notification.objects.filter(comment__isnull=False).values_list("user__username", flat=True)
    ) == {people["reporter"].username, "theodoi"}

    reporter.open("/", "home-with-badge")
    badge = reporter.page.locator("#unread-badge")
    assert int(badge.inner_text()) >= 1
    badge.click()
    reporter.page.wait_for_load_state("load")
    reporter.check("notifications")
    assert "Sáng mai đội vệ sinh" in reporter.page.locator("main").inner_text()

    ioc.open("/ioc/hop-thu/?tab=tat-ca", "inbox-all")
    ioc.page.fill("#f-q", "cot dien")
    with ioc.page.expect_navigation():
        ioc.page.press("#f-q", "Enter")
    ioc.check("inbox-search")
    rows = ioc.page.locator("main table.reports tbody").inner_text()
    assert pole.reference in rows and report.reference not in rows

    # The switcher is on every page; the choice stays for the next pages.
    switcher = ioc.page.locator("form.language-switcher, form[action*='setlang']").first
    select = switcher.locator("select")
    if select.count():
        select.select_option("en")
    with ioc.page.expect_navigation():
        switcher.locator("button[type=submit], button[value='en']").first.click()
    ioc.check("english")
    assert ioc.page.locator("html").get_attribute("lang") == "en"
    ioc.open("/ioc/hop-thu/", "inbox-english")
    assert re.search(r"\bInbox\b|\bIOC inbox\b", ioc.page.locator("h1").inner_text())
    assert errors == []
