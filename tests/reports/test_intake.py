"""The lean intake (issue 13 §2): a submission is a handful of INSERTs in one transaction and
answers a small body; the detail stays one GET away."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

import outbox.services
from reports.models import IdempotencyKey, Media, Report
from routing_rules.models import Category
from tests.reports.conftest import DBP
from tests.reports.factories import CategoryFactory, UserFactory
from tests.reports.media_samples import gps_jpeg, png

PAYLOAD = {
    "category": "intake-category",
    "title": "Cống thoát nước bị tắc",
    "description": "Nước tràn ra đường mỗi khi mưa.",
    "lon": DBP[0],
    "lat": DBP[1],
}
REFERENCE = re.compile(r"^PA-\d{4}-\d{6,}$")


def statements(call) -> tuple[object, list[tuple[bool, str]]]:
    """The answer, and each statement: whether it ran inside a transaction, and its SQL."""
    seen: list[tuple[bool, str]] = []

    def wrapper(execute, sql, params, many, context):
        seen.append((context["connection"].in_atomic_block, sql[:80]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        return call(), seen


def inside(seen) -> int:
    return sum(1 for in_transaction, _ in seen if in_transaction)


@pytest.mark.django_db(
    transaction=True,
    available_apps=["reports", "routing_rules", "outbox", "django.contrib.auth"],
)
def test_a_submission_is_at_most_six_statements_in_one_transaction(
    settings, monkeypatch, django_assert_max_num_queries
):
    # Real commits, so the view's transaction is the outermost (no savepoints), as in
    # production; the relay that a commit wakes runs in a worker there, eagerly here: not it.
    monkeypatch.setattr(outbox.services, "outbox_kick", lambda: None)
    settings.ROUTING_CATEGORY_CACHE_SECONDS = 3600
    settings.BOUNDARIES_INDEX_CHECK_SECONDS = 3600
    CategoryFactory(code=PAYLOAD["category"])
    api = APIClient()
    api.force_authenticate(UserFactory(full_name="Lò Văn Nhanh", phone="0912000333"))
    post = reverse("report-list")
    assert api.post(post, PAYLOAD, format="json").status_code == 201  # caches warm
    # Django counts BEGIN and COMMIT too: with them, six.
    with django_assert_max_num_queries(6):
        answer, seen = statements(lambda: api.post(post, PAYLOAD, format="json"))
    assert answer.status_code == 201, answer.content
    # The report (reference by RETURNING); identity and consent; transition; outbox message.
    assert inside(seen) == 4, seen

    headers = {"HTTP_IDEMPOTENCY_KEY": "intake-1"}
    with django_assert_max_num_queries(6):
        keyed, seen = statements(lambda: api.post(post, PAYLOAD, format="json", **headers))
    assert keyed.status_code == 201, keyed.content
    assert inside(seen) == 4, seen  # the key's row is written with identity and consent

    # Photos add one INSERT for all their rows, and with a key one look for a retry first.
    photos = {**PAYLOAD, "media": [gps_jpeg(), png()]}
    with django_assert_max_num_queries(8):
        answer, seen = statements(
            lambda: api.post(post, photos, format="multipart", HTTP_IDEMPOTENCY_KEY="intake-2")
        )
    assert answer.status_code == 201, answer.content
    assert inside(seen) == 5, seen
    assert Media.objects.filter(report__reference=answer.json()["reference"]).count() == 2

    again = api.post(post, PAYLOAD, format="json", **headers)
    assert (again.status_code, again.json()) == (200, keyed.json())
    assert Report.objects.count() == 4 and IdempotencyKey.objects.count() == 2


@pytest.mark.django_db
def test_the_answer_is_small_and_the_detail_one_get_away(api_client, reporter, category):
    api_client.force_authenticate(reporter)
    payload = {**PAYLOAD, "category": category.code}
    answer = api_client.post(reverse("report-list"), payload, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    report = Report.objects.get()
    detail_url = "http://testserver" + reverse("report-detail", args=[report.reference])
    assert body == {
        "reference": report.reference,
        "status": "submitted",
        "status_label": "Chờ tiếp nhận",
        "links": {
            "self": detail_url,
            "web": "http://testserver" + reverse("reports-web:detail", args=[report.reference]),
        },
    }
    assert answer["Location"] == detail_url
    assert REFERENCE.match(report.reference)
    detail = api_client.get(body["links"]["self"])
    assert detail.status_code == 200
    assert detail.json()["commune"] == "03127" and detail.json()["title"] == payload["title"]


@pytest.mark.django_db
def test_the_reference_is_completed_by_the_insert_with_the_id_never_cut(submit, category):
    report = submit()
    assert report.reference == f"PA-{timezone.localdate():%Y}-{report.pk:06d}"
    assert Report.objects.get(pk=report.pk).reference == report.reference
    big = Report.objects.create(
        pk=1234567,
        reference="PA-2026-",
        category=category,
        title="t",
        description="d",
        point=Point(*DBP, srid=4326),
        commune=report.commune,
        edition=report.edition,
    )
    assert big.reference == "PA-2026-1234567"
    # Any other reference (synthetic data, fixtures) is stored as given.
    other = Report.objects.create(
        reference="SYN-1",
        category=category,
        title="t",
        description="d",
        point=Point(*DBP, srid=4326),
        commune=report.commune,
        edition=report.edition,
    )
    assert Report.objects.get(pk=other.pk).reference == "SYN-1"


@pytest.mark.django_db
def test_a_category_deactivated_here_is_refused_at_once_despite_the_cache(
    api_client, reporter, category, settings
):
    settings.ROUTING_CATEGORY_CACHE_SECONDS = 3600
    api_client.force_authenticate(reporter)
    payload = {**PAYLOAD, "category": category.code}
    assert api_client.post(reverse("report-list"), payload, format="json").status_code == 201
    category.is_active = False
    category.save()
    refused = api_client.post(reverse("report-list"), payload, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "category"
    Category.objects.filter(pk=category.pk).update(is_active=True)  # no signal: the cache...
    settings.ROUTING_CATEGORY_CACHE_SECONDS = 0  # ...is read again once its time is up
    assert api_client.post(reverse("report-list"), payload, format="json").status_code == 201


@pytest.mark.django_db(
    transaction=True,
    available_apps=["reports", "routing_rules", "outbox", "django.contrib.auth"],
)
def test_a_category_deleted_elsewhere_while_cached_is_a_400_not_a_500(settings, monkeypatch):
    monkeypatch.setattr(outbox.services, "outbox_kick", lambda: None)
    settings.ROUTING_CATEGORY_CACHE_SECONDS = 3600
    category = CategoryFactory(code=PAYLOAD["category"])
    api = APIClient()
    api.force_authenticate(UserFactory(full_name="Lò Văn Nhanh", phone="0912000333"))
    post = reverse("report-list")
    assert api.post(post, PAYLOAD, format="json").status_code == 201
    Report.objects.all().delete()
    with connection.cursor() as cursor:  # as another process would: no signal here
        cursor.execute("DELETE FROM routing_rules_category WHERE id = %s", [category.pk])
    refused = api.post(post, PAYLOAD, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == "category"
    assert not Report.objects.exists()
    # The cache was emptied: the next attempt reads the table and finds no such category.
    again = api.post(post, PAYLOAD, format="json")
    assert again.status_code == 400 and again.json()["field"] == "category"
