"""The PostGIS path of the locate reads where the ORM reads boundaries: with a replica
configured, a public request's lookup goes there, a submission's transaction stays on the
primary. The `replica` alias is a second connection to the test database, as in
tests/test_dbrouting.py."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boundaries.selectors import commune_locate_postgis
from boundaries.sql import LOCATE_SQL
from gis_portal.dbrouting.context import read_routing
from gis_portal.dbrouting.replica import REPLICA, replica_state_reset

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

MUONG_THANH = {"lat": "21.3661", "lon": "103.0365"}
LOCATE_START = LOCATE_SQL.strip()[:60]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
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


def _locates(captured) -> int:
    return sum(LOCATE_START in query["sql"] for query in captured.captured_queries)


def test_the_postgis_path_of_a_public_request_reads_the_replica(client, settings):
    settings.BOUNDARIES_INDEX_ENABLED = False
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get("/api/v1/locate", MUONG_THANH)
    assert response.status_code == 200
    assert response.json()["commune"]["code"] == "03334"
    assert _locates(replica) == 1
    assert _locates(primary) == 0


def _reads(call) -> tuple[int, int]:
    """How many locate statements `call` sent to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        call()
    return _locates(primary), _locates(replica)


def test_inside_a_transaction_and_outside_requests_it_reads_the_primary(rf):
    today = timezone.localdate()

    def locate():
        commune_locate_postgis(lon=103.0365, lat=21.3661, at=today)

    def locate_in_transaction():
        with transaction.atomic():
            locate()

    with read_routing(rf.get("/api/v1/locate"), decide=lambda request: True) as routing:
        routing.eligible = True
        assert _reads(locate) == (0, 1)
        assert _reads(locate_in_transaction) == (1, 0)
    assert _reads(locate) == (1, 0)
