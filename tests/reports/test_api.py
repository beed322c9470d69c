"""The REST API: the lifecycle over HTTP, status codes for every rejection, query counts."""

import pytest
from django.urls import reverse
from knox.crypto import hash_token
from knox.models import AuthToken

from reports.models import Notification, Report
from reports.services import moderation, workflow
from tests.reports.conftest import DBP
from tests.reports.media_samples import fake_image, gps_jpeg

pytestmark = pytest.mark.django_db

HANOI = (105.8342, 21.0278)


def submit_payload(**extra):
    payload = {
        "category": "ve-sinh-moi-truong",
        "title": "Cống thoát nước bị tắc",
        "description": "Nước tràn ra đường mỗi khi mưa.",
        "lon": DBP[0],
        "lat": DBP[1],
    }
    payload.update(extra)
    return payload


def url(name, report=None, **kwargs):
    if report is not None:
        kwargs["reference"] = report.reference
    return reverse(name, kwargs=kwargs or None)


def act(client, user, name, report, data=None):
    client.force_authenticate(user)
    return client.post(url(f"report-{name}", report), data or {}, format="json")


def test_lifecycle_over_http(
    api_client, reporter, category, ioc, officer, ubnd_dbp, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(url("report-list"), submit_payload(), format="json")
    assert response.status_code == 201, response.data
    report = Report.objects.get(reference=response.data["reference"])
    assert api_client.get(response.data["links"]["self"]).data["commune"] == "03127"

    steps = [
        (ioc, "assign", {"agency": ubnd_dbp.code}),
        (officer, "start", {}),
        (officer, "result", {"text": "Đã nạo vét cống."}),
        (ioc, "publish", {"edited_text": "Cống đã được nạo vét, thông thoát."}),
        (reporter, "rate", {"value": "satisfied"}),
    ]
    for user, name, data in steps:
        with django_capture_on_commit_callbacks(execute=True):
            response = act(api_client, user, name, report, data)
        assert response.status_code == 200, (name, response.data)
    assert response.data["status"] == "published"
    assert response.data["result"]["text"].startswith("Cống đã được nạo vét")
    assert response.data["result"]["rating"] == "satisfied"

    api_client.force_authenticate(None)
    public = api_client.get(url("report-detail", report))
    assert public.status_code == 200 and public.data["result"] is not None
    assert all(event["public"] for event in public.data["timeline"])

    api_client.force_authenticate(reporter)
    notes = api_client.get(url("notification-list")).data["results"]
    titles = " ".join(n["title"] for n in notes)
    assert "Duyệt và công bố kết quả" in titles and "Chuyển cơ quan xử lý" in titles
    read = api_client.post(url("notification-read", pk=notes[0]["id"]))
    assert read.status_code == 204
    assert Notification.objects.get(pk=notes[0]["id"]).read_at is not None


def test_idempotency_key_header_returns_first_report(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-42"}
    first = api_client.post(url("report-list"), submit_payload(), format="json", **headers)
    again = api_client.post(url("report-list"), submit_payload(), format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data["reference"] == again.data["reference"]
    assert Report.objects.count() == 1


def test_multipart_submit_with_photo(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    response = api_client.post(
        url("report-list"), {**submit_payload(), "media": [gps_jpeg()]}, format="multipart"
    )
    assert response.status_code == 201, response.data
    detail = api_client.get(response.data["links"]["self"])
    assert detail.data["media"][0]["content_type"] == "image/jpeg"


def test_photo_location_offers_exif_gps(api_client, reporter):
    api_client.force_authenticate(reporter)
    response = api_client.post(url("photo-location"), {"photo": gps_jpeg()}, format="multipart")
    assert response.data["found"] is True
    assert round(response.data["lat"], 4) == DBP[1]


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        (submit_payload(title=""), "title", 400),
        (submit_payload(category="khong-co"), "category", 400),
        (submit_payload(lat=95), "lat", 400),
        (submit_payload(phone="abc"), "phone", 400),
        (submit_payload(lon=HANOI[0], lat=HANOI[1]), "location", 422),
    ],
)
def test_submit_rejections_name_the_field(api_client, reporter, category, payload, field, code):
    api_client.force_authenticate(reporter)
    response = api_client.post(url("report-list"), payload, format="json")
    assert response.status_code == code
    assert response.data["field"] == field and response.data["error"]
    assert not Report.objects.exists()


def test_submit_bad_media_is_400_and_nothing_saved(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    response = api_client.post(
        url("report-list"), {**submit_payload(), "media": [fake_image()]}, format="multipart"
    )
    assert response.status_code == 400 and response.data["field"] == "media"
    assert not Report.objects.exists()


def test_anonymous_cannot_submit(api_client, category):
    response = api_client.post(url("report-list"), submit_payload(), format="json")
    assert response.status_code in (401, 403)


def test_forbidden_is_403_out_of_scope_is_404_wrong_state_is_409(
    api_client, report, reporter, officer, other_officer, ioc, ubnd_dbp, stranger
):
    assert act(api_client, reporter, "assign", report, {"agency": ubnd_dbp.code}).status_code == 403
    assert act(api_client, officer, "start", report).status_code == 404
    assert act(api_client, stranger, "start", report).status_code == 404
    response = act(api_client, ioc, "reject", report, {"reason": "Không rõ"})
    assert response.status_code == 400 and response.data["field"] == "resubmit_hint"
    assert act(api_client, ioc, "publish", report).status_code == 409
    api_client.force_authenticate(None)
    assert api_client.get(url("report-detail", report)).status_code == 404  # not verified yet
    act(api_client, ioc, "assign", report, {"agency": ubnd_dbp.code})
    # Once verified the report is public: another agency sees it as anyone does, cannot act.
    assert act(api_client, other_officer, "start", report).status_code == 403
    for viewer in (other_officer, None):
        api_client.force_authenticate(viewer)
        response = api_client.get(url("report-detail", report))
        assert response.status_code == 200
        assert reporter.phone not in response.content.decode()


def test_comments_public_and_internal(api_client, report, reporter, ioc):
    api_client.force_authenticate(ioc)
    api_client.post(url("report-comments", report), {"body": "Ghi chú", "internal": True})
    api_client.post(url("report-comments", report), {"body": "Chúng tôi đã tiếp nhận."})
    api_client.force_authenticate(reporter)
    bodies = [c["body"] for c in api_client.get(url("report-comments", report)).data]
    assert bodies == ["Chúng tôi đã tiếp nhận."]
    response = api_client.post(url("report-comments", report), {"body": "x", "internal": True})
    assert response.status_code == 403


def test_identity_read_is_audited_and_needs_consent_for_agency(
    api_client, report, ioc, officer, reporter, ubnd_dbp
):
    act(api_client, ioc, "assign", report, {"agency": ubnd_dbp.code})
    api_client.force_authenticate(ioc)
    response = api_client.post(url("report-identity", report), {"reason": "Gọi xác minh"})
    assert response.status_code == 200 and response.data["phone"] == reporter.phone
    audit = report.audit_entries.get(action="identity_read")
    assert audit.reason == "Gọi xác minh" and reporter.phone not in audit.reason

    api_client.force_authenticate(officer)
    assert api_client.post(url("report-identity", report), {"reason": "x"}).status_code == 403
    assert act(api_client, reporter, "consent", report).status_code == 200
    api_client.force_authenticate(officer)
    assert api_client.post(url("report-identity", report), {"reason": "Hẹn gặp"}).status_code == 200
    act(api_client, reporter, "consent-revoke", report)
    api_client.force_authenticate(officer)
    assert api_client.post(url("report-identity", report), {"reason": "x"}).status_code == 403
    assert report.audit_entries.filter(action="identity_read").count() == 2


def test_nearby_and_follow_offer_only_public_reports(
    api_client, report, stranger, category, ioc, ubnd_dbp
):
    """An unverified report is neither offered nearby nor followable; once public it is, and
    once hidden it disappears again from nearby, the follower's list and the detail."""
    api_client.force_authenticate(stranger)
    near = {"category": category.code, "lon": DBP[0], "lat": DBP[1]}
    assert api_client.get(url("report-nearby"), near).data == []
    assert api_client.post(url("report-follow", report)).status_code == 404
    assert api_client.get(url("report-detail", report)).status_code == 404

    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    assert [r["reference"] for r in api_client.get(url("report-nearby"), near).data] == [
        report.reference
    ]
    assert api_client.post(url("report-follow", report)).status_code == 204
    mine = api_client.get(url("report-mine")).data["results"]
    assert [r["reference"] for r in mine] == [report.reference]

    moderation.report_hide(actor=ioc, report=report, reason="Nội dung không phù hợp")
    assert api_client.get(url("report-nearby"), near).data == []
    assert api_client.get(url("report-mine")).data["results"] == []
    for name in ("report-detail", "report-timeline", "report-comments"):
        assert api_client.get(url(name, report)).status_code == 404, name
    assert api_client.post(url("report-follow", report)).status_code == 404


def test_register_and_token_login(api_client):
    response = api_client.post(
        url("auth-register"),
        {
            "username": "dan01",
            "password": "Dien-Bien-1954",
            "full_name": "Quàng Văn A",
            "phone": "0987654321",
        },
    )
    assert response.status_code == 201
    token = api_client.post(url("auth-token"), {"username": "dan01", "password": "Dien-Bien-1954"})
    assert AuthToken.objects.filter(
        user__username="dan01", digest=hash_token(token.data["token"])
    ).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.data['token']}")
    assert api_client.get(url("report-mine")).status_code == 200
    weak = api_client.post(
        url("auth-register"),
        {"username": "dan02", "password": "123", "full_name": "B", "phone": "0987654321"},
    )
    assert weak.status_code == 400 and weak.data["field"] == "password"


@pytest.mark.parametrize(
    ("name", "user_fixture"),
    [
        ("report-list", None),
        ("report-mine", "reporter"),
        ("report-inbox", "ioc"),
        ("report-queue", "officer"),
        ("notification-list", "reporter"),
    ],
)
def test_list_endpoints_query_count_is_constant(
    request,
    api_client,
    submit,
    ioc,
    ubnd_dbp,
    officer,
    name,
    user_fixture,
    django_assert_max_num_queries,
):
    from reports.services import workflow

    for _ in range(6):
        report = submit()
        if name != "report-inbox":
            workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    if name == "report-list":
        Report.objects.update(status="published")
    if user_fixture:
        api_client.force_authenticate(request.getfixturevalue(user_fixture))
    with django_assert_max_num_queries(6):
        response = api_client.get(url(name))
    assert response.status_code == 200
    if name != "notification-list":
        assert response.data["count"] == 6


def test_private_result_hidden_from_public_but_sent_to_reporter(
    api_client, submit, reporter, ioc, officer, ubnd_dbp
):
    from reports.services import workflow

    report = submit(private_result=True)
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.result_submit(actor=officer, report=report, text="Chỉ gửi riêng")
    workflow.result_publish(actor=ioc, report=report)
    public = api_client.get(url("report-detail", report)).data
    assert public["status"] == "published" and public["result"] is None
    api_client.force_authenticate(reporter)
    assert api_client.get(url("report-detail", report)).data["result"]["text"] == "Chỉ gửi riêng"


def test_merged_report_shows_target_status(api_client, submit, reporter, stranger, ioc):
    from reports.services import moderation

    target = submit()
    duplicate = submit(user=stranger, full_name="B", phone="0900000001")
    moderation.report_merge(actor=ioc, report=duplicate, into=target)
    api_client.force_authenticate(stranger)
    data = api_client.get(url("report-detail", duplicate)).data
    assert (data["status"], data["duplicate_of"], data["duplicate_of_status"]) == (
        "merged",
        target.reference,
        "submitted",
    )


def test_detail_query_count_is_bounded(api_client, report, ioc, django_assert_max_num_queries):
    api_client.force_authenticate(ioc)
    with django_assert_max_num_queries(14):
        assert api_client.get(url("report-detail", report)).status_code == 200


def test_every_admin_changelist_renders_for_superuser(client, report):
    from django.contrib import admin

    from tests.reports.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    for model in admin.site._registry:
        if model._meta.app_label != "reports":
            continue
        name = f"admin:reports_{model._meta.model_name}_changelist"
        assert client.get(reverse(name)).status_code == 200, name
