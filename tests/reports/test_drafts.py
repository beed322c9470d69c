"""Channel drafts: what e-mail, Zalo or the hotline brought in becomes a report through the same
submission, at once when complete, or once the IOC completes the place or the category."""

import pytest
from django.core.files.storage import default_storage

from reports import policy
from reports.errors import ReportForbidden, ReportInvalid, ReportStateConflict
from reports.models import Report, ReportDraft
from reports.selectors import draft_list_open
from reports.services.drafts import draft_create, draft_discard, draft_file
from tests.reports.conftest import DBP
from tests.reports.media_samples import gps_jpeg

pytestmark = pytest.mark.django_db

HANOI = (105.8342, 21.0278)


def _email_draft(**kwargs):
    values = {
        "channel": Report.Channel.EMAIL,
        "external_id": "<m1@example.test>",
        "sender": "dan@example.test",
        "title": "Đèn đường hỏng",
        "description": "Đèn đường trước nhà số 5 không sáng từ hôm qua.",
        "full_name": "Nguyễn Văn Dân",
        "email": "dan@example.test",
    }
    values.update(kwargs)
    return draft_create(**values)


def test_a_complete_channel_message_is_filed_at_once_with_its_channel(category, ubnd_dbp):
    outcome = _email_draft(category=category, lon=DBP[0], lat=DBP[1])
    report = outcome.report
    assert report is not None and report.channel == Report.Channel.EMAIL
    assert report.status == Report.Status.SUBMITTED and report.commune.code == "03127"
    # The identity moved to the report; the draft keeps only whom the channel answers.
    assert report.identity.email == "dan@example.test" and report.identity.phone == ""
    draft = ReportDraft.objects.get()
    assert draft.state == ReportDraft.State.FILED
    assert (draft.full_name, draft.email) == ("", "")
    assert draft.sender == "dan@example.test"


def test_a_message_without_a_place_waits_for_the_ioc_who_completes_it(
    category, ioc, media_root, django_capture_on_commit_callbacks
):
    outcome = _email_draft(files=[gps_jpeg()])
    draft = outcome.draft
    assert outcome.report is None and draft.state == ReportDraft.State.OPEN
    assert list(draft_list_open(user=ioc)) == [draft]
    stored = draft.media.get().file
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        filed = draft_file(draft=draft, actor=ioc, category=category, lon=DBP[0], lat=DBP[1])
    report = filed.report
    assert report.channel == Report.Channel.EMAIL and report.category == category
    assert report.media.count() == 1
    # The draft's copy of the photo went with it, after the commit.
    assert not default_storage.exists(stored)
    assert not draft_list_open(user=ioc).exists()


def test_a_point_outside_the_province_is_dropped_not_refused(category):
    outcome = _email_draft(category=category, lon=HANOI[0], lat=HANOI[1])
    assert outcome.report is None and outcome.draft.point is None


def test_the_same_message_twice_is_one_draft_and_one_report(category):
    first = _email_draft(category=category, lon=DBP[0], lat=DBP[1])
    again = _email_draft(category=category, lon=DBP[0], lat=DBP[1])
    assert not again.created and again.draft.pk == first.draft.pk
    assert Report.objects.count() == 1 and ReportDraft.objects.count() == 1


def test_only_the_ioc_sees_and_completes_drafts(category, officer, reporter, planner):
    draft = _email_draft().draft
    for user in (officer, reporter, planner):
        assert not policy.drafts_visible(user=user).exists()
    with pytest.raises(ReportForbidden):
        draft_file(draft=draft, actor=officer, category=category, lon=DBP[0], lat=DBP[1])
    assert ReportDraft.objects.get().state == ReportDraft.State.OPEN


def test_filing_without_a_place_names_the_field(category, ioc):
    draft = _email_draft().draft
    with pytest.raises(ReportInvalid) as exc:
        draft_file(draft=draft, actor=ioc, category=category)
    assert exc.value.field == "location"
    assert not Report.objects.exists()


def test_a_discarded_draft_keeps_the_reason_and_forgets_the_identity(ioc, category):
    draft = _email_draft().draft
    discarded = draft_discard(
        draft=draft, actor=ioc, reason="Đây là đơn khiếu nại, không phải phản ánh."
    )
    assert discarded.state == ReportDraft.State.DISCARDED
    assert (discarded.full_name, discarded.email) == ("", "")
    with pytest.raises(ReportStateConflict):
        draft_file(draft=draft, actor=ioc, category=category, lon=DBP[0], lat=DBP[1])


def test_a_channel_without_a_phone_needs_another_way_to_answer(category):
    outcome = _email_draft(
        category=category, lon=DBP[0], lat=DBP[1], sender="", email="", external_id="<m2@x>"
    )
    assert outcome.report is None  # no phone, no e-mail, no channel id: the IOC must call


def test_the_api_records_the_app_channel_and_the_form_the_web(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    body = {
        "category": category.code,
        "title": "Ổ gà giữa đường",
        "description": "Ổ gà sâu, xe máy dễ ngã.",
        "lon": DBP[0],
        "lat": DBP[1],
        "channel": "app",
    }
    assert api_client.post("/api/v1/reports/", body, format="json").status_code == 201
    body["channel"] = "zalo"
    answer = api_client.post("/api/v1/reports/", body, format="json")
    assert answer.status_code == 400 and answer.json()["field"] == "channel"
    assert list(Report.objects.values_list("channel", flat=True)) == ["app"]
