"""An event fans out to exactly the alerts whose area it falls in, once per user, through the
real workflow and the outbox: commune, former district and circle match; a circle elsewhere,
another commune, a hidden report, a private result, the reporter and followers (who hear as
such) get no alert; delivered again, nobody hears twice; the reporter is never named."""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.test import Client
from django.utils import timezone

from alerts.models import AlertDelivery, AreaAlert
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from reports.models import Notification, Transition
from reports.services import citizen, moderation, workflow
from routing_rules.models import Agency
from tests.alerts.conftest import alert_for
from tests.reports.conftest import MUONG_THANH, REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE
from tests.reports.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = Transition.Action
Kind = AreaAlert.Kind


def heard(report, action) -> dict[str, int]:
    """username -> notifications of the report's `action` event."""
    rows = Notification.objects.filter(report=report, transition__action=action)
    counts: dict[str, int] = {}
    for name in rows.values_list("user__username", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


def fan_names(counts: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in counts.items() if name.startswith("fan-")}


def test_commune_district_and_circle_subscribers_hear_once_each(fans, published, relay):
    report = published()
    assert fan_names(heard(report, Action.ASSIGN)) == {
        "fan-commune": 1,
        "fan-district": 1,
        "fan-circle": 1,
    }
    assert fan_names(heard(report, Action.PUBLISH)) == {
        "fan-commune": 1,
        "fan-district": 1,
        "fan-circle": 1,
        "fan-results": 1,
    }
    # No other event (submit, start, submit_result) alerts anyone.
    assert AlertDelivery.objects.count() == 7
    assert set(AlertDelivery.objects.values_list("transition__action", flat=True)) == {
        Action.ASSIGN,
        Action.PUBLISH,
    }

    # Every message delivered again (a relay that crashed before marking them): nothing more.
    OutboxMessage.objects.update(state=OutboxMessage.State.PENDING)
    relay()
    assert AlertDelivery.objects.count() == 7
    assert fan_names(heard(report, Action.PUBLISH)) == {
        "fan-commune": 1,
        "fan-district": 1,
        "fan-circle": 1,
        "fan-results": 1,
    }


def test_alerts_never_name_the_reporter(fans, published):
    report = published()
    texts = Notification.objects.filter(user__username__startswith="fan-").values_list(
        "title", "body"
    )
    assert texts
    for title, body in texts:
        assert report.reference in body
        for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL):
            assert secret not in title + body


def test_a_report_hidden_before_it_became_public_alerts_nobody(fans, submit, ioc, ubnd_dbp, relay):
    report = submit()
    moderation.report_hide(actor=ioc, report=report, reason="Nội dung xúc phạm")
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    relay()
    assert not AlertDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic="alerts.event").exists()


def test_a_private_result_alerts_nobody(fans, published):
    report = published(private_result=True)
    assert fan_names(heard(report, Action.ASSIGN))  # the report itself is public
    assert fan_names(heard(report, Action.PUBLISH)) == {}


def test_a_point_outside_a_circle_is_not_alerted_by_it(fans, submit, ioc, relay):
    # Phường Mường Thanh: 5 km from the circles around Điện Biên Phủ, in the same former
    # district; the far circle is moved 300 m away with a 100 m radius.
    far = AreaAlert.objects.get(user__username="fan-far_circle")
    far.point = Point(MUONG_THANH[0] + 0.003, MUONG_THANH[1], srid=4326)
    far.radius_m = 100
    far.save()
    muong_thanh = AgencyFactory(
        code="ubnd-muong-thanh",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03334"],
    )
    report = submit(point=MUONG_THANH)
    workflow.report_assign(actor=ioc, report=report, agency=muong_thanh)
    relay()
    assert report.commune.code == "03334"
    assert fan_names(heard(report, Action.ASSIGN)) == {"fan-other_commune": 1, "fan-district": 1}

    far.radius_m = 400  # now the report is inside it
    far.save()
    second = submit(point=MUONG_THANH)
    workflow.report_assign(actor=ioc, report=second, agency=muong_thanh)
    relay()
    assert fan_names(heard(second, Action.ASSIGN)) == {
        "fan-other_commune": 1,
        "fan-district": 1,
        "fan-far_circle": 1,
    }


def test_reporter_and_follower_hear_once_as_such(fans, submit, ioc, officer, ubnd_dbp, relay):
    report = submit()
    reporter = report.identity.user
    alert_for(reporter, kind=Kind.COMMUNE, code="03127")
    follower = UserFactory(username="fan-follower")
    alert_for(follower, kind=Kind.DISTRICT, code="094")
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    relay()
    citizen.report_follow(user=follower, report=report)
    workflow.report_start(actor=officer, report=report)
    workflow.result_submit(actor=officer, report=report, text="Xong.")
    workflow.result_publish(actor=ioc, report=report)
    relay()
    assert heard(report, Action.ASSIGN)[reporter.username] == 1
    assert heard(report, Action.PUBLISH)[reporter.username] == 1
    assert heard(report, Action.PUBLISH)["fan-follower"] == 1
    # The reporter hears as the reporter only; the follower heard of the new report through
    # the alert, of the result as a follower.
    assert not AlertDelivery.objects.filter(user=reporter).exists()
    assert list(
        AlertDelivery.objects.filter(user=follower).values_list("transition__action", flat=True)
    ) == [Action.ASSIGN]


def test_a_user_with_several_matching_alerts_hears_once(fans, published):
    fan = fans["commune"]
    alert_for(fan, kind=Kind.DISTRICT, code="094")
    alert_for(fan, kind=Kind.CIRCLE, point=(103.0578, 21.4156), radius_m=300)
    report = published()
    assert heard(report, Action.ASSIGN)["fan-commune"] == 1
    assert AlertDelivery.objects.filter(user=fan).count() == 2  # the assignment, the result


def test_email_alerts_are_sent_once_with_an_unsubscribe_link(db, published, relay, settings):
    settings.ALERTS_PORTAL_URL = "https://phananh.example.test"
    fan = UserFactory(username="fan-mail", email="fan.mail@example.test")
    alert = alert_for(fan, kind=Kind.COMMUNE, code="03127", channel=AreaAlert.Channel.EMAIL)
    report = published()
    sent = [m for m in mail.outbox if m.to == [fan.email]]
    assert len(sent) == 2  # new report, then its result
    assert not Notification.objects.filter(user=fan).exists()  # e-mail instead of in-app
    message = sent[0]
    assert report.reference in message.body and report.title in message.subject
    assert f"https://phananh.example.test/phan-anh/{report.reference}/" in message.body
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL):
        assert secret not in message.subject + message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    OutboxMessage.objects.update(state=OutboxMessage.State.PENDING)
    relay()
    assert len([m for m in mail.outbox if m.to == [fan.email]]) == 2

    # One click from the mail client: a POST without a session or CSRF token.
    path = unsubscribe.removeprefix("https://phananh.example.test")
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    alert.refresh_from_db()
    assert alert.active  # a link scanner's GET changes nothing
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    alert.refresh_from_db()
    assert not alert.active
    assert client.post(path[:-3] + "xx/").status_code == 404


def test_a_report_hidden_after_the_event_alerts_nobody(
    db, submit, ioc, ubnd_dbp, relay, django_capture_on_commit_callbacks
):
    # The event's own message is relayed, then the report is hidden before the alerts' and
    # the e-mails' messages are: neither an in-app alert nor an e-mail goes out.
    fan = UserFactory(username="fan-late", email="fan.late@example.test")
    alert_for(fan, kind=Kind.COMMUNE, code="03127", channel=AreaAlert.Channel.EMAIL)
    in_app = UserFactory(username="fan-late-app")
    alert_for(in_app, kind=Kind.COMMUNE, code="03127")
    report = submit()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    # The submit and assign events only (what they enqueue is due after this `now`).
    outbox_relay(now=timezone.now())
    assert OutboxMessage.objects.filter(topic="alerts.event", state="pending").exists()
    moderation.report_hide(actor=ioc, report=report, reason="Sai sự thật")
    relay()
    assert not AlertDelivery.objects.exists()
    assert not Notification.objects.filter(user__in=[fan, in_app]).exists()
    assert not [m for m in mail.outbox if m.to == [fan.email]]
