"""Public pages beside the map: the searchable list of public reports, the help page for
first-time reporters, and share links on a public report only."""

import pytest
from django.urls import reverse

from reports.services import moderation
from tests.reports.conftest import Status

pytestmark = pytest.mark.django_db
LIST = "/phan-anh/"


def _refs(response) -> set[str]:
    return {r.reference for r in response.context["page"].object_list}


def test_the_list_holds_public_reports_only_and_searches_without_diacritics(
    client, make_report, ioc
):
    public = make_report(Status.IN_PROGRESS)
    hidden = make_report(Status.ASSIGNED)
    moderation.report_hide(actor=ioc, report=hidden, reason="Ảnh có biển số")
    unverified = make_report(Status.SUBMITTED)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _refs(response) == {public.reference}
    assert unverified.reference not in response.content.decode()
    assert _refs(client.get(LIST, {"q": "rac thai"})) == {public.reference}
    assert _refs(client.get(LIST, {"q": "cột điện"})) == set()


def test_list_filters_and_bad_values(client, make_report, django_assert_max_num_queries):
    public = make_report(Status.PUBLISHED)
    make_report(Status.IN_PROGRESS)
    assert _refs(client.get(LIST, {"status": "published"})) == {public.reference}
    response = client.get(LIST, {"created_after": "hôm qua"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


def test_the_help_page_explains_the_steps_and_the_other_ways_in(client):
    html = client.get(reverse("reports-web:help")).content.decode()
    for text in ("Ở đâu?", "Việc gì?", "Ảnh", "Kiểm tra và gửi", "tình nguyện viên", "113"):
        assert text in html
    assert html.count('role="img"') == 5


def test_only_a_public_report_offers_share_links(client, make_report, reporter):
    public = make_report(Status.IN_PROGRESS)
    html = client.get(reverse("reports-web:detail", args=[public.reference])).content.decode()
    assert "data-share-copy" in html and "facebook.com/sharer" in html
    assert f"/phan-anh/{public.reference}/" in html.split('class="share" data-url="')[1]
    unverified = make_report(Status.SUBMITTED)
    client.force_login(reporter)
    html = client.get(reverse("reports-web:detail", args=[unverified.reference])).content.decode()
    assert "data-share-copy" not in html
