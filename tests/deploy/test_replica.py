"""The portal on a real PostgreSQL streaming replica (README, "Read replicas").

A primary cluster of the test's own, a replica made from it with `pg_basebackup -R` on another
port (tests.processes.PostgresCluster), a redis-server of its own, and the app server
(gunicorn, production settings) with DB_REPLICA_* pointing at the replica. The replica logs
every statement, so the test sees which requests read there. While replay is paused
(`pg_wal_replay_pause()`), a report the IOC has just published is not on the public map yet,
but its reporter and staff see it at once; once the replica is further behind than the bound,
the public map is served from the primary; after `pg_wal_replay_resume()` the replica serves
it again. With the replica stopped, the public endpoints answer from the primary.
Everything the test started is stopped and removed whatever the outcome.
"""

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django_otp.oath import TOTP

from tests.processes import PostgresCluster, RedisProcess, free_port, manage_shell, portal_env
from tests.reports.worker_support import wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "portal_replica"
PASSWORD = "mat-khau-thu-1"  # tests.reports.factories
OTP_KEY = "3132333435363738393031323334353637383930"
AGENCY = "ubnd-dien-bien-phu"
CATEGORY = "replica-category"
DBP = (103.0578, 21.4156)
LAG_BOUND = 10.0
PUBLIC_MAP = "/api/v1/maps/public/reports/"
PUBLIC_ENDPOINTS = [
    PUBLIC_MAP,
    "/api/v1/maps/tiles/public/16/51529/28775.mvt",
    "/api/v1/maps/export/geojson/?layer=public",
    "/open311/v2/requests.json",
    "/api/v1/boundaries/?level=province&simplify=500",
    "/api/v1/stats",
]
# A statement of the portal's own on one of its tables (the test's psql never reads them).
PORTAL_READ = re.compile(r'FROM "(reports|boundaries|stats|maps|routing_rules)_')


def world_build() -> None:
    """Run by `manage.py shell` against the primary: migrate, Điện Biên's boundaries, a
    category, the ward's agency, a citizen, one of the agency's officers and an IOC operator
    with a TOTP device of a known key."""
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from boundaries.services.editions import EDITION_2025, edition_ensure
    from boundaries.services.importing import boundaries_import
    from reports.models import Role
    from routing_rules.models import Agency
    from tests.conftest import dien_bien_paths
    from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

    call_command("migrate", verbosity=0)
    province_path, commune_path = dien_bien_paths()
    boundaries_import(
        edition=edition_ensure(**EDITION_2025),
        province_path=province_path,
        commune_path=commune_path,
    )
    CategoryFactory(code=CATEGORY)
    agency = AgencyFactory(
        code=AGENCY,
        name="UBND phường Điện Biên Phủ",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03127"],
    )
    UserFactory(username="replica-citizen", full_name="Lò Văn Bản Sao", phone="0912000444")
    UserFactory(username="replica-officer", role=Role.AGENCY_OFFICER, agency=agency)
    ioc = UserFactory(username="replica-ioc", role=Role.IOC_OPERATOR)
    TOTPDevice.objects.create(user=ioc, name="Ứng dụng", key=OTP_KEY, confirmed=True)
    print(json.dumps({"ok": True}))


def caught_up(primary: PostgresCluster, replica: PostgresCluster, timeout: float = 30) -> None:
    """The replica has replayed everything the primary has written so far."""
    lsn = primary.query("SELECT pg_current_wal_lsn()")
    check = "SELECT pg_last_wal_replay_lsn() >= :'lsn'::pg_lsn"
    assert wait_for(lambda: replica.query(check, lsn=lsn) == "t", timeout=timeout) is not None, lsn


@dataclass
class Stack:
    url: str
    primary: PostgresCluster
    replica: PostgresCluster
    tokens: dict
    phases: dict

    def get(self, path: str, who: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Token {self.tokens[who]}"} if who else {}
        return requests.get(self.url + path, headers=headers, timeout=15)

    def references(self, who: str | None = None) -> list[str]:
        response = self.get(PUBLIC_MAP, who)
        assert response.status_code == 200, response.text[:500]
        return [f["properties"]["reference"] for f in response.json()["features"]]

    def replica_reads(self, call) -> tuple[object, list[str]]:
        """What `call` returned, and the portal's statements the replica logged meanwhile."""
        log = self.replica.folder / "server.log"
        start = log.stat().st_size
        result = call()
        with log.open(errors="replace") as text:
            text.seek(start)
            return result, [line for line in text if PORTAL_READ.search(line)]


def login(url: str, username: str, **extra: str) -> str:
    data = {"username": username, "password": PASSWORD, **extra}
    response = requests.post(f"{url}/api/v1/auth/token/", data=data, timeout=15)
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture(scope="module")
def stack():
    started = time.monotonic()
    try:
        primary = PostgresCluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    replica = redis = server = log = None
    try:
        primary.init()
        primary.start()
        primary.createdb(DATABASE)
        replica = primary.basebackup_replica()
        replica.start(log_statement="all")
        assert replica.query("SELECT pg_is_in_recovery()") == "t"
        redis = RedisProcess(primary.folder)
        redis.start()
        env = portal_env(
            primary.folder,
            redis_url=redis.url,
            **primary.env(DATABASE),
            THROTTLE_MAPS_GEOJSON_RATE="1000/minute",
        )
        phases = {"clusters": time.monotonic() - started}
        manage_shell(env, "tests.deploy.test_replica", "world_build")
        phases["world"] = time.monotonic() - started
        # The replica followed the migrations and the boundaries' import.
        caught_up(primary, replica)
        count = "SELECT count(*) FROM boundaries_adminunit"
        assert int(replica.query(count, DATABASE)) == int(primary.query(count, DATABASE)) > 40
        port = free_port()
        server_env = {
            **env,
            "DB_REPLICA_HOST": "127.0.0.1",
            "DB_REPLICA_PORT": str(replica.port),
            "DB_REPLICA_MAX_LAG_SECONDS": str(LAG_BOUND),
            "DB_REPLICA_LAG_CHECK_SECONDS": "0.5",
            # Longer than the test: the writers stay on the primary throughout.
            "DB_REPLICA_PIN_SECONDS": "300",
            "DB_REPLICA_RETRY_SECONDS": "1",
        }
        log = (primary.folder / "gunicorn.log").open("w+")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "gis_portal.wsgi",
             "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
             "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"

        def answering() -> bool:
            try:
                return requests.get(url + PUBLIC_MAP, timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(answering, timeout=60) is not None, Path(log.name).read_text()[-3000:]
        phases["server"] = time.monotonic() - started
        tokens = {
            "citizen": login(url, "replica-citizen"),
            "officer": login(url, "replica-officer"),
            "ioc": login(url, "replica-ioc", otp=f"{TOTP(bytes.fromhex(OTP_KEY)).token():06d}"),
        }
        yield Stack(url, primary, replica, tokens, phases)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()
        if redis is not None:
            redis.stop_if_running()
        if replica is not None:
            replica.remove()
        primary.remove()


def test_public_endpoints_read_the_replica_and_workflow_pages_the_primary(stack):
    for path in PUBLIC_ENDPOINTS:
        response, reads = stack.replica_reads(lambda path=path: stack.get(path))
        assert response.status_code == 200, (path, response.text[:300])
        assert reads, f"{path} read nothing from the replica"
    workflow = [
        ("/api/v1/reports/mine/", "citizen"),
        ("/api/v1/reports/queue/", "officer"),
        ("/api/v1/reports/inbox/", "ioc"),
        # Staff read the primary on public endpoints too.
        (PUBLIC_MAP, "officer"),
    ]
    for path, who in workflow:
        response, reads = stack.replica_reads(lambda path=path, who=who: stack.get(path, who))
        assert response.status_code == 200, (path, who, response.text[:300])
        assert not reads, (path, who, reads)
    print(
        "\nready after (s): "
        + ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in stack.phases.items())
    )


def test_while_replay_is_paused_the_public_sees_the_past_and_writers_and_staff_the_present(stack):
    primary, replica = stack.primary, stack.replica
    submitted = requests.post(
        stack.url + "/api/v1/reports/",
        data={
            "category": CATEGORY,
            "title": "Đèn đường hỏng cả dãy",
            "description": "Cả dãy đèn đường không sáng từ hôm qua.",
            "lon": DBP[0],
            "lat": DBP[1],
        },
        headers={"Authorization": f"Token {stack.tokens['citizen']}"},
        timeout=15,
    )
    assert submitted.status_code == 201, submitted.text
    reference = submitted.json()["reference"]
    caught_up(primary, replica)
    # The replica's lag counts from the last commit it replayed: this one.
    last_replayed = time.monotonic()
    replica.query("SELECT pg_wal_replay_pause()")
    paused = "SELECT pg_get_wal_replay_pause_state()"
    assert wait_for(lambda: replica.query(paused) == "paused", timeout=10) is not None

    assign = requests.post(
        f"{stack.url}/api/v1/reports/{reference}/assign/",
        data={"agency": AGENCY, "override_reason": "Phường nơi có sự cố."},
        headers={"Authorization": f"Token {stack.tokens['ioc']}"},
        timeout=15,
    )
    assert assign.status_code == 200, assign.text
    status = "SELECT status FROM reports_report WHERE reference = :'ref'"
    assert primary.query(status, DATABASE, ref=reference) == "assigned"
    assert replica.query(status, DATABASE, ref=reference) == "submitted"

    # The public: the map as the replica has it, without the new report (stale, acceptable).
    assert reference not in stack.references()
    assert reference not in stack.get("/open311/v2/requests.json").text
    # Its reporter, who just wrote, and staff: the primary, at once.
    assert reference in stack.references("citizen")
    mine = stack.get("/api/v1/reports/mine/", "citizen").json()["results"]
    assert {r["reference"]: r["status"] for r in mine}[reference] == "assigned"
    assert reference in stack.references("officer")
    assert reference in stack.get("/api/v1/reports/queue/", "officer").text
    checked = time.monotonic() - last_replayed
    assert checked < LAG_BOUND, f"the checks took {checked:.1f} s, past the lag bound"

    # Replay still paused: once the replica is LAG_BOUND behind, the public reads the primary.
    assert wait_for(lambda: reference in stack.references(), timeout=LAG_BOUND + 15) is not None
    fell_back = time.monotonic() - last_replayed
    assert fell_back >= LAG_BOUND - 1
    assert replica.query(paused) == "paused"
    assert replica.query(status, DATABASE, ref=reference) == "submitted"

    replica.query("SELECT pg_wal_replay_resume()")
    caught_up(primary, replica)
    resumed = time.monotonic()

    def from_replica() -> bool:
        found, reads = stack.replica_reads(lambda: reference in stack.references())
        return found and bool(reads)

    assert wait_for(from_replica, timeout=10) is not None
    print(
        f"\npaused replay; public stale, reporter and staff current for {checked:.1f} s of "
        f"checks; public served from the primary {fell_back:.1f} s after the last replayed "
        f"commit (bound {LAG_BOUND:g} s); from the replica again "
        f"{time.monotonic() - resumed:.1f} s after resuming"
    )


def test_with_the_replica_stopped_public_endpoints_answer_from_the_primary(stack):
    # The workers keep connections to the replica (CONN_MAX_AGE): they die with it.
    stack.replica.stop()
    started = time.monotonic()
    for path in PUBLIC_ENDPOINTS:
        response = stack.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    took = time.monotonic() - started
    assert stack.references() == stack.references("officer")
    print(f"\nreplica stopped: {len(PUBLIC_ENDPOINTS)} public endpoints answered in {took:.1f} s")
