"""/metrics: the operators' figures in the Prometheus text format, read from the database at
scrape time, and readable only from the allowed addresses or with the scrape token."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from outbox.models import OutboxMessage
from reports.models import Report

pytestmark = pytest.mark.django_db


def samples(response) -> dict:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_reports_overdue_cases_and_the_outbox_backlog(client, submit):
    first, second, _third = submit(), submit(), submit()
    Report.objects.filter(pk=first.pk).update(status=Report.Status.REJECTED)
    # Past its verification deadline and still unverified: overdue.
    Report.objects.filter(pk=second.pk).update(verify_due_at=timezone.now() - timedelta(days=1))
    OutboxMessage.objects.update(state=OutboxMessage.State.SENT)
    stuck = OutboxMessage.objects.create(topic="test", payload={})
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    assert found[("portal_reports", (("status", "submitted"),))] == 2
    assert found[("portal_reports", (("status", "rejected"),))] == 1
    assert found[("portal_reports", (("status", "published"),))] == 0
    assert found[("portal_reports_overdue", ())] == 1
    assert found[("portal_outbox_messages", (("state", "pending"),))] == 1
    assert found[("portal_outbox_oldest_pending_seconds", ())] >= 300


def test_metrics_are_hidden_from_other_addresses_unless_the_token_is_sent(client, settings):
    settings.METRICS_TOKEN = "bi-mat-cua-prometheus"
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer sai", **outside)
    assert wrong.status_code == 404
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer bi-mat-cua-prometheus", **outside)
    assert right.status_code == 200 and b"portal_reports" in right.content


def test_without_a_token_no_header_opens_the_metrics(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404


def test_a_scrape_costs_a_bounded_number_of_queries(client, submit, django_assert_max_num_queries):
    submit()
    with django_assert_max_num_queries(4):
        assert client.get("/metrics").status_code == 200
