"""GET requests, requests/{id} and tokens/{token}: filters, window, cap, status mapping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from open311 import selectors
from reports.models import Report
from reports.services.moderation import report_merge
from reports.services.workflow import report_assign
from tests.open311.helpers import RESULT_TEXT, body_json, body_xml, publish, reject

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


@pytest.fixture
def posted(client, post_data):
    """File a report through Open311; returns its Report."""

    def _post(**overrides):
        response = client.post(f"{URL}.json", post_data(**overrides))
        assert response.status_code == 201, response.content
        return Report.objects.get(reference=body_json(response)[0]["service_request_id"])

    return _post


@pytest.fixture
def published(posted, ioc, officer, ubnd_dbp):
    return publish(posted(), ioc=ioc, officer=officer, agency=ubnd_dbp)


def test_published_report_is_public_and_closed_with_result_notes(client, published):
    data = body_json(client.get(f"{URL}.json"))
    assert len(data) == 1
    item = data[0]
    assert item["service_request_id"] == published.reference
    assert item["status"] == "closed"
    assert item["status_notes"] == RESULT_TEXT
    assert item["agency_responsible"] == "UBND phường Điện Biên Phủ"
    assert item["service_code"] == "ve-sinh-moi-truong"
    assert item["service_name"] == "Vệ sinh môi trường"
    assert item["address"] == published.commune.full_name
    assert item["expected_datetime"] == timezone.localtime(published.due_at).isoformat(
        timespec="seconds"
    )
    assert item["requested_datetime"].endswith("+07:00")
    assert (item["lat"], item["long"]) == (published.point.y, published.point.x)
    assert "extended_attributes" not in item


def test_requests_xml(client, published):
    root = body_xml(client.get(f"{URL}.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == published.reference
    assert request.findtext("status") == "closed"
    assert request.findtext("status_notes") == RESULT_TEXT
    assert request.find("media_url") is not None and request.findtext("media_url") == ""


def test_open_report_is_seen_only_by_the_client_that_filed_it(client, posted, issued, other_issued):
    report = posted()
    assert body_json(client.get(f"{URL}.json")) == []
    assert body_json(client.get(f"{URL}.json", {"api_key": other_issued.key})) == []
    mine = body_json(client.get(f"{URL}.json", {"api_key": issued.key}))
    assert [r["service_request_id"] for r in mine] == [report.reference]
    assert mine[0]["status"] == "open"
    assert mine[0]["status_notes"] == "Chờ tiếp nhận"
    assert mine[0]["agency_responsible"] == "Trung tâm IOC tỉnh Điện Biên"
    # Before assignment: the verification deadline plus the handling days, in working days.
    assert mine[0]["expected_datetime"] > timezone.localtime(report.verify_due_at).isoformat()
    detail = client.get(f"{URL}/{report.reference}.json")
    assert detail.status_code == 404
    own = client.get(f"{URL}/{report.reference}.json", {"api_key": issued.key})
    assert body_json(own)[0]["service_request_id"] == report.reference


def test_assigned_report_reports_agency_and_working_day_deadline(
    client, posted, issued, ioc, ubnd_dbp
):
    report = posted()
    report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    report.refresh_from_db()
    item = body_json(client.get(f"{URL}/{report.reference}.json", {"api_key": issued.key}))[0]
    assert item["agency_responsible"] == ubnd_dbp.name
    assert item["status_notes"] == "Đã chuyển cơ quan xử lý"
    assert item["expected_datetime"] == timezone.localtime(report.due_at).isoformat(
        timespec="seconds"
    )
    # Verified and sent to an agency, the case is public: anyone may follow its progress.
    anyone = body_json(client.get(f"{URL}.json"))
    assert [(r["service_request_id"], r["status"]) for r in anyone] == [(report.reference, "open")]


def test_rejected_report_notes_give_the_reason(client, posted, issued, ioc):
    report = reject(posted(), ioc=ioc)
    item = body_json(client.get(f"{URL}/{report.reference}.json", {"api_key": issued.key}))[0]
    assert item["status"] == "closed"
    assert item["status_notes"].startswith("Nội dung không rõ vị trí.")
    assert "Cách gửi lại" in item["status_notes"]


def test_extensions_add_detailed_status_places_rating_and_duplicate(
    client, posted, issued, ioc, officer, ubnd_dbp
):
    target = publish(posted(), ioc=ioc, officer=officer, agency=ubnd_dbp)
    duplicate = posted(description="Rác thải lại bị đổ ở đây")
    # A published target cannot take merges; merge before publishing a second one instead.
    other = posted(description="Đống rác lớn")
    report_merge(actor=ioc, report=duplicate, into=other)
    rows = body_json(client.get(f"{URL}.json", {"api_key": issued.key, "extensions": "true"}))
    by_id = {row["service_request_id"]: row for row in rows}
    extended = by_id[target.reference]["extended_attributes"]
    assert extended["detailed_status"] == "published"
    assert extended["commune_code"] == "03127"
    assert extended["former_district_code"] == "094"
    assert extended["former_district"] == target.district.full_name
    assert extended["rating"] is None
    merged = by_id[duplicate.reference]
    assert merged["status"] == "closed"
    assert merged["extended_attributes"]["duplicate_of"] == other.reference
    assert other.reference in merged["status_notes"]


def test_rating_shows_in_extensions(client, posted, issued, ioc, officer, ubnd_dbp):
    from reports.services.citizen import report_rate

    report = publish(posted(), ioc=ioc, officer=officer, agency=ubnd_dbp)
    report_rate(actor=issued.client.service_user, report=report, value="acceptable")
    response = client.get(f"{URL}/{report.reference}.json", {"extensions": "true"})
    extended = body_json(response)[0]["extended_attributes"]
    assert (extended["rating"], extended["rating_label"]) == ("acceptable", "Chấp nhận được")


def test_extensions_in_xml(client, published):
    root = body_xml(client.get(f"{URL}.xml", {"extensions": "true"}))
    extended = root.find("request/extended_attributes")
    assert extended.findtext("detailed_status") == "published"
    assert extended.findtext("urgent") == "false"


def test_filters_by_id_code_status_and_dates(
    client, posted, issued, ioc, officer, ubnd_dbp, road_category
):
    done = publish(posted(), ioc=ioc, officer=officer, agency=ubnd_dbp)
    open_one = posted()
    road = posted(service_code=road_category.code)
    key = {"api_key": issued.key}

    def ids(**params):
        rows = body_json(client.get(f"{URL}.json", {**key, **params}))
        return {row["service_request_id"] for row in rows}

    assert ids() == {done.reference, open_one.reference, road.reference}
    assert ids(status="open") == {open_one.reference, road.reference}
    assert ids(status="closed") == {done.reference}
    assert ids(status="open,closed") == {done.reference, open_one.reference, road.reference}
    assert ids(service_code=road_category.code) == {road.reference}
    assert ids(service_code=f"{road_category.code},ve-sinh-moi-truong", status="closed") == {
        done.reference
    }
    assert ids(service_request_id=f"{road.reference},{done.reference}") == {
        road.reference,
        done.reference,
    }
    # A list of ids overrides every other filter.
    assert ids(service_request_id=road.reference, status="closed") == {road.reference}
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=tomorrow) == set()
    last_week = (timezone.now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(ids(start_date=last_week, end_date=tomorrow)) == 3


def test_default_window_is_the_last_90_days(client, posted, issued):
    old = posted()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    recent = posted(description="Rác mới")
    rows = body_json(client.get(f"{URL}.json", {"api_key": issued.key}))
    assert [row["service_request_id"] for row in rows] == [recent.reference]
    earlier = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = body_json(client.get(f"{URL}.json", {"api_key": issued.key, "start_date": earlier}))
    assert [row["service_request_id"] for row in rows] == [old.reference]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, "start_date"),
        ({"start_date": "2025-06-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        # No time zone is 21 h from UTC (PostgreSQL would refuse it: a 500 before).
        ({"start_date": "1097-11-20T08:28:32+21:05"}, "start_date"),
        ({"end_date": "2025-13-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_filters_are_400(client, params, field):
    response = client.get(f"{URL}.json", params)
    assert response.status_code == 400
    assert body_json(response)[0]["description"].startswith(f"{field}: ")


def test_results_are_capped(client, posted, issued, monkeypatch):
    for _ in range(3):
        posted()
    monkeypatch.setattr(selectors, "MAX_REQUESTS", 2)
    assert len(body_json(client.get(f"{URL}.json", {"api_key": issued.key}))) == 2


def test_list_query_count_does_not_grow_with_rows(
    client, posted, issued, ioc, officer, ubnd_dbp, django_assert_max_num_queries
):
    for _ in range(4):
        publish(posted(), ioc=ioc, officer=officer, agency=ubnd_dbp)
    with django_assert_max_num_queries(1):
        rows = body_json(client.get(f"{URL}.json", {"extensions": "true"}))
    assert len(rows) == 4
    # With a key: + the key lookup and its last-used stamp.
    with django_assert_max_num_queries(3):
        client.get(f"{URL}.json", {"api_key": issued.key, "extensions": "true"})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_id_is_404(client, fmt, category):
    response = client.get(f"{URL}/PA-2025-999999.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        assert body_xml(response).findtext("error/code") == "404"
    else:
        assert body_json(response)[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_gives_the_request_id(client, post_data, fmt):
    posted = body_json(client.post(f"{URL}.json", post_data()))[0]
    response = client.get(f"/open311/v2/tokens/{posted['token']}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert body_json(response) == [
            {"service_request_id": posted["service_request_id"], "token": posted["token"]}
        ]
    else:
        root = body_xml(response)
        assert root.findtext("request/service_request_id") == posted["service_request_id"]


def test_unknown_token_is_404(client, category):
    response = client.get("/open311/v2/tokens/nope.json")
    assert response.status_code == 404
    assert body_json(response)[0]["code"] == 404
