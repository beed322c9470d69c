"""Atom feeds per commune, former district, category and commune with category: valid Atom,
only public reports (never hidden, unverified or rejected ones), never the reporter, newest
first, in a bounded number of queries whatever the number of reports."""

import xml.etree.ElementTree as ET

import pytest

from reports.models import Report
from tests.reports.conftest import REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE
from tests.reports.factories import CategoryFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
Status = Report.Status


def entries(client, path: str) -> tuple[ET.Element, list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL):
        assert secret not in body
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated") is not None
    refs = []
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("title", "id", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        refs.append(entry.find(f"{ATOM}title").text.split(":")[0])
    return root, refs


@pytest.fixture
def reports(make_report, category):
    other = CategoryFactory(code="giao-thong", name="Giao thông")
    made = {
        "assigned": make_report(Status.ASSIGNED),
        "published": make_report(Status.PUBLISHED),
        "private": make_report(Status.PUBLISHED, private_result=True),
        "hidden": make_report(Status.IN_PROGRESS, hidden=True),
        "submitted": make_report(Status.SUBMITTED),
        "rejected": make_report(Status.REJECTED),
        "road": make_report(Status.IN_PROGRESS),
    }
    Report.objects.filter(pk=made["road"].pk).update(category=other)
    return {name: report.reference for name, report in made.items()}


def test_commune_feed_lists_only_public_reports_newest_first(client, reports):
    root, refs = entries(client, "/rss/xa/03127/")
    assert refs == [reports[n] for n in ("road", "private", "published", "assigned")]
    assert "Phường Điện Biên Phủ" in root.find(f"{ATOM}title").text
    link = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.endswith(f"/phan-anh/{reports['road']}/")


def test_district_category_and_combined_feeds(client, reports):
    assert entries(client, "/rss/huyen/094/")[1] == entries(client, "/rss/xa/03127/")[1]
    _root, refs = entries(client, "/rss/linh-vuc/giao-thong/")
    assert refs == [reports["road"]]
    _root, refs = entries(client, "/rss/xa/03127/linh-vuc/ve-sinh-moi-truong/")
    assert refs == [reports[n] for n in ("private", "published", "assigned")]
    assert entries(client, "/rss/xa/03334/")[1] == []
    assert len(entries(client, "/rss/")[1]) == 4


@pytest.mark.parametrize(
    "path",
    [
        "/rss/xa/99999/",
        "/rss/huyen/03127/",
        "/rss/linh-vuc/khong-co/",
        "/rss/xa/03127/linh-vuc/khong-co/",
    ],
)
def test_unknown_places_and_categories_answer_404(client, db, path):
    assert client.get(path).status_code == 404


def test_feed_queries_are_bounded(client, reports, make_report, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        entries(client, "/rss/xa/03127/linh-vuc/ve-sinh-moi-truong/")
    for _ in range(5):
        make_report(Status.ASSIGNED)
    with django_assert_max_num_queries(3):
        _root, refs = entries(client, "/rss/xa/03127/linh-vuc/ve-sinh-moi-truong/")
    assert len(refs) == 8
