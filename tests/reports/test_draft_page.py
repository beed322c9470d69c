"""The IOC's page of channel drafts: listed with their photos (served to the IOC only),
completed with a category and a pin (or a place search) into a report, or discarded."""

import pytest
from django.test import Client

from reports.models import Report, ReportDraft
from reports.services.drafts import draft_create
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.conftest import DBP
from tests.reports.factories import CategoryFactory, UserFactory
from tests.reports.media_samples import gps_jpeg

pytestmark = pytest.mark.django_db

LIST = "/ioc/cho-bo-sung/"


def _draft(number: int = 1, **kwargs) -> ReportDraft:
    values = {
        "channel": Report.Channel.EMAIL,
        "external_id": f"<m{number}@example.test>",
        "sender": "dan@example.test",
        "title": f"Đèn đường hỏng {number}",
        "description": "Đèn đường trước nhà số 5 không sáng <b>từ hôm qua</b>.",
        "full_name": "Nguyễn Văn Dân",
        "email": "dan@example.test",
    }
    values.update(kwargs)
    return draft_create(**values).draft


def _complete(chosen, **overrides):
    body = {
        "category": chosen.code,
        "title": "Đèn đường hỏng",
        "full_name": "Nguyễn Văn Dân",
        "lon": DBP[0],
        "lat": DBP[1],
    }
    body.update(overrides)
    return body


def test_the_drafts_pages_are_the_iocs_alone(client, officer, reporter, planner, category):
    draft = _draft(files=[gps_jpeg()])
    media = draft.media.get()
    urls = [
        LIST,
        f"{LIST}{draft.pk}/tep/{media.pk}/",
    ]
    for user in (officer, reporter, planner):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(f"{LIST}{draft.pk}/tao/", _complete(category)).status_code == 404
        assert client.post(f"{LIST}{draft.pk}/loai/", {"reason": "Rác."}).status_code == 404
    assert ReportDraft.objects.get().state == ReportDraft.State.OPEN


def test_the_list_shows_channel_text_and_photos_with_a_badge_in_few_queries(
    client, ioc, category, django_assert_max_num_queries
):
    drafts = [_draft(n, files=[gps_jpeg()]) for n in range(1, 4)]
    client.force_login(ioc)
    client.get(LIST)  # warm the session and the category cache
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    more = [_draft(n, files=[gps_jpeg()]) for n in range(4, 9)]
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    for draft in drafts + more:
        media = draft.media.get()
        assert f"/ioc/cho-bo-sung/{draft.pk}/tep/{media.pk}/" in html
    assert "Thư điện tử" in html and 'id="drafts-badge">8<' in html
    # The sender's text is text, never markup.
    assert "&lt;b&gt;từ hôm qua&lt;/b&gt;" in html and "<b>từ hôm qua</b>" not in html
    # The sender's e-mail address stays out of the page.
    assert "dan@example.test" not in html
    assert "reports/placepicker.js" in html and "<script>" not in html
    # The category is suggested to the IOC from the draft's own text (escaped in the attribute).
    assert "suggest/suggest.js" in html and 'data-suggest-text="' in html


def test_a_drafts_photo_is_served_to_the_ioc_while_the_draft_is_open(client, ioc, category):
    draft = _draft(files=[gps_jpeg()])
    media = draft.media.get()
    client.force_login(ioc)
    response = client.get(f"{LIST}{draft.pk}/tep/{media.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.post(f"{LIST}{draft.pk}/tao/", _complete(category))
    assert client.get(f"{LIST}{draft.pk}/tep/{media.pk}/").status_code == 404


def test_the_ioc_completes_a_draft_into_a_report(client, ioc, category, ubnd_dbp):
    draft = _draft(files=[gps_jpeg()])
    client.force_login(ioc)
    response = client.post(
        f"{LIST}{draft.pk}/tao/", _complete(category, title="Đèn hỏng", urgent="on")
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.reference}/")
    assert (report.channel, report.category, report.title) == ("email", category, "Đèn hỏng")
    assert report.urgent and report.commune.code == "03127" and report.media.count() == 1
    assert report.identity.full_name == "Nguyễn Văn Dân"
    draft.refresh_from_db()
    assert draft.state == ReportDraft.State.FILED and draft.report == report
    assert "drafts-badge" not in client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"category": ""}, 400, "category"),
        ({"category": "khong-co"}, 400, "category"),
        ({"lon": "", "lat": ""}, 400, "location"),
        ({"lon": 105.8342, "lat": 21.0278}, 422, "location"),  # Hà Nội: outside the province
        ({"title": ""}, 400, "title"),
        ({"full_name": ""}, 400, "full_name"),
    ],
)
def test_a_refused_completion_names_the_field_in_vietnamese(
    client, ioc, category, ubnd_dbp, overrides, status, field
):
    draft = _draft()
    client.force_login(ioc)
    response = client.post(f"{LIST}{draft.pk}/tao/", _complete(category, **overrides))
    assert response.status_code == status
    row = next(row for row in response.context["rows"] if row["draft"].pk == draft.pk)
    assert field in row["errors"] and row["errors"][field][0]
    assert response.context["open_id"] == draft.pk
    assert not Report.objects.exists()


def test_a_discard_needs_a_reason(client, ioc, category):
    draft = _draft()
    client.force_login(ioc)
    response = client.post(f"{LIST}{draft.pk}/loai/", {"reason": ""})
    assert response.status_code == 400
    row = response.context["rows"][0]
    assert row["errors"]["reason"]
    response = client.post(f"{LIST}{draft.pk}/loai/", {"reason": "Đơn khiếu nại."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ReportDraft.State.DISCARDED
    assert draft.discard_reason == "Đơn khiếu nại."
    again = client.post(f"{LIST}{draft.pk}/tao/", _complete(category))
    assert again.status_code == 409
    assert "Phản ánh chờ này đã được xử lý." in again.content.decode()


playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser_rows():
    from outbox.models import OutboxMessage
    from routing_rules.models import Agency, Category
    from tests.reports.factories import AgencyFactory

    last_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    category = CategoryFactory(code="draft-browser-category", name="Chiếu sáng (thử)")
    agency = AgencyFactory(
        code="draft-browser-ubnd", kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=["03127"]
    )
    ioc = UserFactory(username="draft-browser-ioc", role="ioc_operator")
    client = Client()
    client.force_login(ioc)
    yield category, client.cookies["sessionid"].value
    # The flush empties the reports tables (users included); the rows of other apps go here.
    ReportDraft.objects.all().delete()
    Report.objects.all().delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk=agency.pk).delete()
    OutboxMessage.objects.filter(pk__gt=last_message).delete()


@pytest.mark.slow
@needs_chromium
# Only these apps' tables are flushed afterwards (the session's boundaries stay); the OTP apps
# are there for the IOC's verified session.
@pytest.mark.django_db(
    transaction=True,
    available_apps=["reports", "django_otp", "django_otp.plugins.otp_totp"],
)
def test_the_ioc_completes_a_draft_with_the_place_search_and_the_pin(live_server, browser_rows):
    category, session = browser_rows
    # A hotline draft (no mail or Zalo reply follows it, in tables this test does not flush).
    draft = _draft(
        channel=Report.Channel.PHONE,
        external_id=None,
        sender="",
        email="",
        phone="0912000222",
        description="Đèn đường tắt cả tuần.",
        title="",
    )
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        context = browser.new_context(viewport={"width": 1100, "height": 1400})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + LIST)
        page.click(f"#draft-{draft.pk} summary")
        form = page.locator(f"#draft-{draft.pk} form[data-place-picker]")
        form.locator("[name=category]").select_option(category.code)
        # A pre-2025 name: the ward of the old city, in its old district-level unit.
        form.locator(".place-q").fill("Phường Him Lam, Thành phố Điện Biên Phủ, Tỉnh Điện Biên")
        form.locator(".place-find").click()
        page.wait_for_function(
            f"() => document.querySelector('#draft-{draft.pk} [name=lat]').value !== ''"
        )
        status = form.locator(".place-status").inner_text()
        page.wait_for_function(
            f"() => document.querySelectorAll('#draft-{draft.pk} .place-map path').length > 10"
        )
        box = form.locator(".place-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2 + 4, box["y"] + box["height"] / 2 + 4)
        lat = form.locator("[name=lat]").input_value()
        form.locator("[name=title]").fill("Đèn đường tắt")
        page.screenshot(path=str(ARTIFACTS / "reports-draft-complete.png"), full_page=True)
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/phan-anh/PA-*/")
        browser.close()
    assert errors == []
    assert "Vị trí:" in status
    report = Report.objects.get()
    assert report.channel == "phone" and report.title == "Đèn đường tắt"
    assert abs(report.point.y - float(lat)) < 1e-5
    assert report.commune.code == "03127"
