"""The IOC's workspace: a tab per stage with counts, filters, sort and search that ignores
Vietnamese diacritics, through the GIN index."""

import pytest
from django.db import connection
from django.urls import reverse

from reports.inbox import search_tsquery
from reports.models import Extension, Rating, Report, Transition
from tests.reports.conftest import Status

pytestmark = pytest.mark.django_db
INBOX = "/ioc/hop-thu/"


@pytest.fixture
def desk(make_report, submit, officer, ubnd_dbp, reporter):
    """One report per stage, and a few that belong to none of the IOC's stages."""
    reports = {
        "new": submit(title="Cột điện nghiêng sắp đổ", description="Cột điện trước chợ nghiêng."),
        "urgent": submit(title="Cây đổ chắn đường", description="Cây đổ sau mưa.", urgent=True),
        "result": make_report(Status.RESULT_SUBMITTED),
        "extension": make_report(Status.IN_PROGRESS),
        "overdue": make_report(Status.ASSIGNED),
        "disputed": make_report(Status.PUBLISHED),
        "published": make_report(Status.PUBLISHED),
    }
    Extension.objects.create(
        report=reports["extension"],
        agency=ubnd_dbp,
        requested_by=officer,
        reason="Cần vật tư",
        days=3,
    )
    Report.objects.filter(pk=reports["overdue"].pk).update(is_overdue=True)
    Rating.objects.create(
        report=reports["disputed"],
        result=reports["disputed"].results.get(),
        user=reporter,
        value=Rating.Value.UNSATISFIED,
    )
    return reports


def _refs(response) -> set[str]:
    return {r.reference for r in response.context["page"].object_list}


def _counts(response) -> dict[str, int]:
    return {tab["stage"].code: tab["count"] for tab in response.context["tabs"]}


def test_each_stage_tab_holds_its_reports_and_counts_them(client, ioc, desk):
    client.force_login(ioc)
    refs = {key: r.reference for key, r in desk.items()}
    expected = {
        "can-xu-ly": {refs["new"], refs["urgent"], refs["result"], refs["overdue"]},
        "cho-tiep-nhan": {refs["new"], refs["urgent"]},
        "cho-duyet-ket-qua": {refs["result"]},
        "xin-gia-han": {refs["extension"]},
        "qua-han": {refs["overdue"]},
        "khong-hai-long": {refs["disputed"]},
        "khan": {refs["urgent"]},
        "tat-ca": set(refs.values()),
    }
    counts = _counts(client.get(INBOX))
    for tab, wanted in expected.items():
        response = client.get(INBOX, {"tab": tab})
        assert response.status_code == 200
        assert _refs(response) == wanted, tab
        assert counts[tab] == len(wanted), tab


def test_search_finds_words_with_or_without_diacritics(client, ioc, desk):
    client.force_login(ioc)
    wanted = {desk["new"].reference}
    for text in ("cot dien", "Cột điện", "COT DIEN nghi", "dien cot"):
        response = client.get(INBOX, {"tab": "tat-ca", "q": text})
        assert _refs(response) == wanted, text
    assert _refs(client.get(INBOX, {"tab": "tat-ca", "q": "cột điện cháy"})) == set()
    by_reference = client.get(INBOX, {"tab": "tat-ca", "q": desk["urgent"].reference.lower()})
    assert _refs(by_reference) == {desk["urgent"].reference}
    # The counts follow the search: the search is what the operator is looking at.
    assert _counts(client.get(INBOX, {"q": "cay do"}))["khan"] == 1


def test_search_uses_the_gin_index(ioc, desk):
    tsquery = search_tsquery("cot dien")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM reports_report WHERE "
            + __import__("reports.sql", fromlist=["x"]).REPORT_SEARCH_MATCH,
            [tsquery],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reports_report_search" in plan


def test_search_text_cannot_change_the_query_syntax():
    assert search_tsquery("cột điện') | !x & (") == "cot & dien & x:*"
    assert search_tsquery("!!! ()") is None


def test_filters_narrow_list_and_counts(client, ioc, desk, other_agency):
    client.force_login(ioc)
    response = client.get(INBOX, {"tab": "tat-ca", "urgent": "true"})
    assert _refs(response) == {desk["urgent"].reference}
    Report.objects.filter(pk=desk["new"].pk).update(channel=Report.Channel.PHONE)
    response = client.get(INBOX, {"tab": "cho-tiep-nhan", "channel": "phone"})
    assert _refs(response) == {desk["new"].reference}
    assert _counts(response)["cho-tiep-nhan"] == 1
    assert _refs(client.get(INBOX, {"tab": "tat-ca", "agency": other_agency.code})) == set()


def test_bad_filter_values_are_a_400_naming_the_field(client, ioc, desk):
    client.force_login(ioc)
    for params, field in (
        ({"channel": "fax"}, "channel"),
        ({"created_after": "31/31/2026"}, "created_after"),
        ({"tab": "khong-co"}, "tab"),
        ({"sort": "x"}, "sort"),
        ({"q": "x" * 201}, "q"),
    ):
        response = client.get(INBOX, params)
        assert response.status_code == 400, params
        assert field in {f for f, _ in response.context["errors"]}
        assert 'role="alert"' in response.content.decode()


def test_sort_orders_newest_or_oldest_first(client, ioc, desk):
    client.force_login(ioc)
    newest = list(client.get(INBOX, {"tab": "tat-ca", "sort": "moi"}).context["page"])
    oldest = list(client.get(INBOX, {"tab": "tat-ca", "sort": "cu"}).context["page"])
    assert newest == oldest[::-1]


def test_the_workspace_takes_a_bounded_number_of_queries(
    client, ioc, desk, make_report, django_assert_max_num_queries
):
    client.force_login(ioc)
    client.get(INBOX)
    for _ in range(10):
        make_report(Status.RESULT_SUBMITTED)
    with django_assert_max_num_queries(14):
        response = client.get(INBOX, {"tab": "tat-ca", "q": "xu ly"})
    assert response.status_code == 200


def test_only_the_ioc_has_a_workspace(client, officer, reporter, desk):
    for user in (officer, reporter):
        client.force_login(user)
        assert client.get(INBOX).status_code == 404


def test_reply_without_a_rating_also_counts_as_disputed(client, ioc, desk, reporter):
    Transition.objects.create(
        report=desk["published"],
        action=Transition.Action.REPLY,
        from_status=Status.PUBLISHED,
        to_status=Status.PUBLISHED,
        actor=reporter,
    )
    client.force_login(ioc)
    refs = _refs(client.get(reverse("reports-web:ioc-inbox"), {"tab": "khong-hai-long"}))
    assert refs == {desk["disputed"].reference, desk["published"].reference}


def test_pending_extensions_are_decided_from_the_inbox_and_it_comes_back(client, ioc, desk):
    client.force_login(ioc)
    page = client.get(INBOX, {"tab": "xin-gia-han"})
    html = page.content.decode()
    assert "Cần vật tư" in html and "Không duyệt" in html
    extension = Extension.objects.get()
    response = client.post(
        reverse("reports-web:action", args=[desk["extension"].reference, "extension-decide"]),
        {"extension": extension.pk, "approve": "true", "next": INBOX + "?tab=xin-gia-han"},
    )
    assert response.status_code == 302 and response.url == INBOX + "?tab=xin-gia-han"
    extension.refresh_from_db()
    assert extension.state == Extension.State.APPROVED
    assert _refs(client.get(INBOX, {"tab": "xin-gia-han"})) == set()
    # Only a path of this site is followed.
    response = client.post(
        reverse("reports-web:action", args=[desk["extension"].reference, "extension-decide"]),
        {"extension": extension.pk, "approve": "true", "next": "https://evil.test/"},
    )
    assert response.url == reverse("reports-web:detail", args=[desk["extension"].reference])
