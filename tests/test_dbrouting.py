"""Which database each read goes to once a replica is configured (gis_portal/dbrouting).

The `replica` alias here is a second connection to the test database (as settings.base
declares it for tests: a TEST mirror). It sees only committed rows, so what a test creates
inside its transaction is, to it, what a lagging replica has not replayed yet: a read that
misses the test's report came from the replica, one that finds it from the primary. The real
streaming replica is in tests/deploy/test_replica.py.
"""

import time
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection, connections, router, transaction
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from gis_portal.accounts.tokens import token_issue
from gis_portal.dbrouting import read_connection
from gis_portal.dbrouting.context import read_routing
from gis_portal.dbrouting.endpoints import REPLICA_READ_NAMESPACES, REPLICA_READ_VIEWS
from gis_portal.dbrouting.middleware import ReplicaReadMiddleware
from gis_portal.dbrouting.pins import COOKIE
from gis_portal.dbrouting.replica import REPLICA, replica_state_reset
from gis_portal.dbrouting.routers import ReplicaRouter
from open311.services.clients import api_client_issue
from reports.models import Report, Role, User
from reports.services.submission import report_submit
from tests.processes import free_port
from tests.reports.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

DBP = (103.0578, 21.4156)
PUBLIC_MAP = reverse("maps-public-reports")


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The alias settings.base adds when DB_REPLICA_HOST is set, for this module only."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def replica_state():
    replica_state_reset()
    yield
    replica_state_reset()


@pytest.fixture
def reporter():
    return UserFactory(username="nguoidan-rr", full_name="Lò Văn Bản Sao", phone="0912000222")


@pytest.fixture
def citizen():
    return UserFactory(username="congdan-rr")


@pytest.fixture
def officer(ubnd_dbp):
    return UserFactory(username="canbo-rr", role=Role.AGENCY_OFFICER, agency=ubnd_dbp)


@pytest.fixture
def public_report(reporter, ubnd_dbp) -> Report:
    """On the public map, for the primary only (not committed)."""
    report = report_submit(
        user=reporter,
        category=CategoryFactory(code="rr-category"),
        title="Cống thoát nước bị tắc",
        description="Nước tràn ra đường sau mưa.",
        lon=DBP[0],
        lat=DBP[1],
    ).report
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.ASSIGNED, current_agency=ubnd_dbp
    )
    return report


@contextmanager
def queries():
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


@contextmanager
def replica_connection(**changes):
    """The replica alias on a connection of its own with `changes` to its settings."""
    original = connections[REPLICA]
    changed = {**original.settings_dict, **changes}
    connections[REPLICA] = load_backend(changed["ENGINE"]).DatabaseWrapper(changed, REPLICA)
    try:
        yield
    finally:
        connections[REPLICA].close()
        connections[REPLICA] = original


def references(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [f["properties"]["reference"] for f in response.json()["features"]]


def test_without_a_replica_the_router_has_no_say_and_the_middleware_is_not_loaded(rf):
    saved = connections.settings.pop(REPLICA)
    try:
        with read_routing(rf.get(PUBLIC_MAP), decide=lambda request: True) as routing:
            routing.eligible = True
            assert ReplicaRouter().db_for_read(Report) is None
            assert ReplicaRouter().db_for_write(Report) is None
            assert router.db_for_read(Report) == "default"
        with pytest.raises(MiddlewareNotUsed):
            ReplicaReadMiddleware(lambda request: None)
    finally:
        connections.settings[REPLICA] = saved


def test_listed_names_are_the_portals_url_names():
    resolver = get_resolver()
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    assert names >= REPLICA_READ_VIEWS
    assert set(resolver.namespace_dict) >= REPLICA_READ_NAMESPACES


def test_router_reads_replica_only_for_a_marked_request_outside_transactions(rf):
    replica_router = ReplicaRouter()
    # No request (a command, a Celery task): the primary.
    assert replica_router.db_for_read(Report) == "default"
    with read_routing(rf.get(PUBLIC_MAP), decide=lambda request: True) as routing:
        assert replica_router.db_for_read(Report) == "default"  # not marked (yet)
        routing.eligible = True
        assert replica_router.db_for_read(Report) == REPLICA
        assert read_connection(Report).alias == REPLICA
        # What the application reads inside its own transaction includes what it wrote.
        with transaction.atomic():
            assert replica_router.db_for_read(Report) == "default"
        # Sign-in state, tokens and keys hold at once: never from the replica.
        assert replica_router.db_for_read(Session) == "default"
        assert replica_router.db_for_read(User) == "default"
        assert replica_router.db_for_write(Report) == "default"
        assert replica_router.allow_migrate(REPLICA, "reports") is False
        routing.restart_on_primary()
        assert replica_router.db_for_read(Report) == "default"
    with read_routing(rf.get(PUBLIC_MAP), decide=lambda request: False) as routing:
        routing.eligible = True
        assert replica_router.db_for_read(Report) == "default"


@pytest.mark.parametrize(
    "url, reads_only",
    [
        (PUBLIC_MAP, True),
        (reverse("maps-public-tiles", args=[16, 51529, 28775]), True),
        (reverse("maps-export", args=["geojson"]) + "?layer=public", True),
        (reverse("boundary-list") + "?level=province&simplify=500", True),
        (reverse("boundary-detail", args=["03127"]), True),
        ("/open311/v2/services.json", True),
        ("/open311/v2/requests.json", True),
        # Statistics may store the snapshot they computed (on the primary).
        (reverse("stats"), False),
        (reverse("stats-ranking"), False),
        (reverse("stats-page"), False),
    ],
)
def test_public_endpoints_read_from_the_replica(client, public_report, url, reads_only):
    with queries() as (primary, replica):
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert replica.captured_queries
    if reads_only:
        assert not primary.captured_queries, [q["sql"][:120] for q in primary.captured_queries]


def test_the_replica_has_not_seen_the_report_that_the_primary_has(client, officer, public_report):
    with queries() as (primary, replica):
        assert references(client.get(PUBLIC_MAP)) == []
    assert replica.captured_queries and not primary.captured_queries

    # A public tile is raw SQL (maps.tiles): it follows the ORM's routing.
    tile = reverse("maps-public-tiles", args=[16, 51529, 28775])
    anonymous_tile = client.get(tile).content
    client.force_login(officer)
    assert client.get(tile).content != anonymous_tile


def test_staff_read_the_primary_even_on_public_endpoints(client, officer, public_report):
    client.force_login(officer)
    with queries() as (primary, replica):
        assert references(client.get(PUBLIC_MAP)) == [public_report.reference]
    assert primary.captured_queries and not replica.captured_queries


@pytest.mark.parametrize(
    "who, url",
    [
        ("reporter", reverse("report-mine")),
        ("reporter", "/api/v1/reports/{reference}/"),
        ("reporter", "/phan-anh/{reference}/"),
        ("reporter", reverse("reports-web:my-reports")),
        ("officer", reverse("report-queue")),
        ("officer", reverse("reports-web:agency-queue")),
        ("anonymous", "/api/v1/reports/{reference}/"),
    ],
)
def test_workflow_and_own_pages_read_the_primary(client, public_report, officer, who, url):
    if who != "anonymous":
        client.force_login(public_report.identity.user if who == "reporter" else officer)
    with queries() as (primary, replica):
        response = client.get(url.format(reference=public_report.reference))
    assert response.status_code == 200
    assert public_report.reference in response.content.decode()
    assert primary.captured_queries and not replica.captured_queries


def test_a_browser_that_wrote_reads_the_primary_by_its_signed_cookie(
    client, citizen, public_report
):
    client.force_login(citizen)
    assert references(client.get(PUBLIC_MAP)) == []
    follow = client.post(reverse("report-follow", args=[public_report.reference]))
    assert follow.status_code == 204, follow.content
    assert follow.cookies[COOKIE]["httponly"]
    assert references(client.get(PUBLIC_MAP)) == [public_report.reference]

    # The cookie alone pins the browser (signed out, or another tab); a made-up one does not.
    browser = Client()
    browser.cookies[COOKIE] = follow.cookies[COOKIE].value
    assert references(browser.get(PUBLIC_MAP)) == [public_report.reference]
    forged = Client()
    forged.cookies[COOKIE] = "1"
    assert references(forged.get(PUBLIC_MAP)) == []


def test_a_token_client_that_wrote_reads_the_primary_by_its_account(
    api_client, citizen, reporter, public_report
):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=citizen).key}")
    follow = api_client.post(reverse("report-follow", args=[public_report.reference]))
    assert follow.status_code == 204, follow.content
    assert COOKIE not in follow.cookies  # remembered in Redis, by account
    assert references(api_client.get(PUBLIC_MAP)) == [public_report.reference]

    other = Client(HTTP_AUTHORIZATION=f"Token {token_issue(user=reporter).key}")
    assert references(other.get(PUBLIC_MAP)) == []


def test_a_pin_ends_after_its_seconds(settings, client, api_client, citizen, public_report):
    settings.DB_REPLICA_PIN_SECONDS = 1
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=citizen).key}")
    client.force_login(citizen)
    for writer in (client, api_client):
        response = writer.post(reverse("report-follow", args=[public_report.reference]))
        assert response.status_code == 204
        assert references(writer.get(PUBLIC_MAP)) == [public_report.reference]
    time.sleep(2.1)
    for writer in (client, api_client):
        assert references(writer.get(PUBLIC_MAP)) == []


def test_an_open311_client_that_filed_a_request_reads_it_back_at_once(client):
    issued = api_client_issue(name="Ứng dụng thử bản sao")
    category = CategoryFactory(code="rr-open311")
    data = {
        "api_key": issued.key,
        "service_code": category.code,
        "lat": str(DBP[1]),
        "long": str(DBP[0]),
        "description": "Rác thải tồn đọng nhiều ngày cạnh đường.",
        "first_name": "Sự",
        "last_name": "Lò",
        "email": "lo.su@example.test",
        "phone": "0912000333",
    }
    filed = client.post("/open311/v2/requests.json", data)
    assert filed.status_code == 201, filed.content
    token = filed.json()[0]["token"]
    lookup = f"/open311/v2/tokens/{token}.json"
    # The key that filed it (its digest pinned in Redis) reads the primary...
    same_key = Client(HTTP_X_API_KEY=issued.key)
    assert same_key.get(lookup).status_code == 200
    # ...while a client without it asks the replica, which has not seen the request yet.
    assert Client().get(lookup).status_code == 404


def test_an_unreachable_replica_leaves_reads_to_the_primary(client, public_report, caplog):
    with replica_connection(PORT=str(free_port())):
        with CaptureQueriesContext(connections["default"]) as primary:
            assert references(client.get(PUBLIC_MAP)) == [public_report.reference]
        assert primary.captured_queries
        assert "Read replica unavailable" in caplog.text
        # Left alone for DB_REPLICA_RETRY_SECONDS: the next request does not try it again.
        started = time.monotonic()
        assert references(client.get(PUBLIC_MAP)) == [public_report.reference]
        assert caplog.text.count("Read replica unavailable") == 1
        assert time.monotonic() - started < 5


def test_a_read_failing_on_the_replica_mid_request_is_served_again_from_the_primary(
    client, public_report, caplog
):
    # The test's transaction locks the reports table: the replica's connection (another
    # session) gives up on its lock after 200 ms, a real OperationalError in the view.
    options = {**connections[REPLICA].settings_dict["OPTIONS"], "options": "-c lock_timeout=200"}
    with replica_connection(OPTIONS=options):
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reports_report IN ACCESS EXCLUSIVE MODE")
        response = client.get(PUBLIC_MAP)
    assert references(response) == [public_report.reference]
    assert "a query failed during a request" in caplog.text
