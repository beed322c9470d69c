"""The portal behind PgBouncer in transaction mode (DB_POOL_MODE=transaction): migrations, report
intake with photos, staff workflow actions under row locks, paginated lists, exports read with
.iterator(), tiles and media all work through a pool of two server connections that eight
concurrent request threads share, with no "prepared statement … does not exist" or "cursor …
does not exist" anywhere.

The test starts its own PostgreSQL 15 cluster (tests.processes.PostgresCluster), redis-server,
Debian's pgbouncer (scripts/setup.sh installs it; own ini and userlist in the cluster's folder,
free port) and gunicorn with the production settings pointed at pgbouncer; it stops them all,
whatever the outcome.
"""

import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.processes import PostgresCluster, RedisProcess, free_port, manage_shell, portal_env
from tests.reports.conftest import DBP
from tests.reports.media_samples import gps_jpeg
from tests.reports.worker_support import wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "portal_pool"
POOL_SIZE = 2
THREADS = 8
SUBMISSIONS = 12
PHOTO_EVERY = 3
CITIZEN = "pool-citizen"
IOC = "pool-ioc"
AGENCY = "ubnd-dien-bien-phu"
CATEGORY = "pool-category"
PASSWORD = "pool-" + secrets.token_hex(8)
# What a pooler broken for the portal logs (psycopg's and pgbouncer's words).
POOL_ERRORS = ("prepared statement", "cursor", "server conn crashed", "closed the connection")


def world_build() -> None:
    """Run by `manage.py shell` through pgbouncer: migrate, Điện Biên's boundaries, a category,
    the ward UBND, a citizen and an IOC operator with API tokens."""
    from django.core.management import call_command

    from boundaries.services.editions import EDITION_2025, edition_ensure
    from boundaries.services.importing import boundaries_import
    from gis_portal.accounts.tokens import token_issue
    from reports.models import Role
    from tests.conftest import dien_bien_paths
    from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

    call_command("migrate", verbosity=0)
    call_command("check", verbosity=0)
    province_path, commune_path = dien_bien_paths()
    boundaries_import(
        edition=edition_ensure(**EDITION_2025),
        province_path=province_path,
        commune_path=commune_path,
    )
    CategoryFactory(code=CATEGORY)
    AgencyFactory(code=AGENCY, name="UBND phường Điện Biên Phủ", jurisdiction_codes=["03127"])
    citizen = UserFactory(username=CITIZEN, full_name="Lò Văn Gộp", phone="0912000222")
    ioc = UserFactory(username=IOC, role=Role.IOC_OPERATOR)
    tokens = {"citizen": token_issue(user=citizen).key, "ioc": token_issue(user=ioc).key}
    print(json.dumps(tokens))


def world_read() -> None:
    from reports.models import Assignment, Media, Report

    print(
        json.dumps(
            {
                "reports": Report.objects.count(),
                "assigned": Assignment.objects.filter(agency__code=AGENCY, active=True).count(),
                "media": Media.objects.count(),
            }
        )
    )


class PgBouncer:
    """Debian's pgbouncer with an ini and userlist of its own, in front of `cluster`. It
    refuses to run as root: as root it switches to the cluster's owner (-u postgres)."""

    def __init__(self, cluster: PostgresCluster):
        if shutil.which("pgbouncer") is None:
            raise RuntimeError("pgbouncer is not installed (scripts/setup.sh installs it)")
        self.cluster = cluster
        self.folder = cluster.folder / "pgbouncer"
        self.folder.mkdir()
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        (self.folder / "userlist.txt").write_text(f'"{PostgresCluster.user}" "{PASSWORD}"\n')
        (self.folder / "pgbouncer.ini").write_text(
            f"""[databases]
{DATABASE} = host=127.0.0.1 port={self.cluster.port} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {self.folder / "userlist.txt"}
admin_users = {PostgresCluster.user}
pool_mode = transaction
default_pool_size = {POOL_SIZE}
max_client_conn = 100
logfile = {self.folder / "pgbouncer.log"}
pidfile = {self.folder / "pgbouncer.pid"}
"""
        )
        as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            as_owner = ["-u", "postgres"]
        self.process = subprocess.Popen(
            ["pgbouncer", *as_owner, str(self.folder / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait_for(lambda: self.admin("SHOW VERSION") is not None, timeout=15) is None:
            raise RuntimeError(f"pgbouncer did not start:\n{self.log()[-2000:]}")

    def admin(self, command: str) -> list[dict] | None:
        """A SHOW command on pgbouncer's console (simple query protocol: psql)."""
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", PostgresCluster.user,
             "-d", "pgbouncer", "--csv", "-c", command],
            env={**os.environ, "PGPASSWORD": PASSWORD}, capture_output=True, text=True,
            timeout=10,
        )  # fmt: skip
        if done.returncode != 0:
            return None
        header, *rows = done.stdout.strip().splitlines()
        names = header.split(",")
        return [dict(zip(names, row.split(","), strict=False)) for row in rows]

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Portal:
    url: str
    env: dict
    bouncer: PgBouncer
    log: Path
    tokens: dict
    setup_seconds: float


@pytest.fixture
def portal():
    started = time.monotonic()
    try:
        cluster = PostgresCluster()
        bouncer = PgBouncer(cluster)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    redis = RedisProcess(cluster.folder)
    server = log = None
    try:
        cluster.init()
        cluster.start()
        cluster.createdb(DATABASE)
        bouncer.start()
        redis.start()
        env = portal_env(
            cluster.folder,
            redis_url=redis.url,
            # Everything through pgbouncer, as a server configured by deploy/env.example.
            DB_HOST="127.0.0.1",
            DB_PORT=str(bouncer.port),
            DB_NAME=DATABASE,
            DB_USER=PostgresCluster.user,
            DB_PASSWORD=PASSWORD,
            DB_POOL_MODE="transaction",
        )
        for name in ("DB_TEST_NAME", "DB_REPLICA_HOST", "DB_DIRECT_HOST", "DB_DIRECT_PORT"):
            env.pop(name, None)
        tokens = manage_shell(env, "tests.deploy.test_pgbouncer", "world_build")
        port = free_port()
        log = cluster.folder / "gunicorn.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "gis_portal.wsgi",
                 "--workers", "2", "--threads", str(THREADS // 2),
                 "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"

        def answering() -> bool:
            try:
                return requests.get(f"{url}/api/v1/reports/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(answering, timeout=30) is not None, log.read_text()[-3000:]
        yield Portal(url, env, bouncer, log, tokens, time.monotonic() - started)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        redis.stop_if_running()
        bouncer.stop()
        cluster.remove()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_the_portal_works_behind_pgbouncer_in_transaction_mode(portal):
    citizen = {"Authorization": f"Token {portal.tokens['citizen']}"}
    ioc = {"Authorization": f"Token {portal.tokens['ioc']}"}

    def submit(n: int) -> dict:
        data = {"category": CATEGORY, "title": f"Đèn đường hỏng số {n}",
                "description": "Cả đoạn phố tối om.", "lon": DBP[0], "lat": DBP[1]}  # fmt: skip
        files = (
            {"media": ("IMG.JPG", gps_jpeg().read(), "image/jpeg")}
            if n % PHOTO_EVERY == 0
            else None
        )
        answer = requests.post(
            f"{portal.url}/api/v1/reports/", data=data, files=files, headers=citizen, timeout=30
        )
        assert answer.status_code == 201, answer.text[:500]
        return answer.json()

    def assign(reference: str) -> dict:
        # A staff action: the report's row lock, the assignment, the transition and the outbox
        # message in one transaction.
        answer = requests.post(
            f"{portal.url}/api/v1/reports/{reference}/assign/",
            data={"agency": AGENCY}, headers=ioc, timeout=30,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text[:500]
        return answer.json()

    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        filed = list(pool.map(submit, range(SUBMISSIONS)))
        assigned = list(pool.map(assign, [r["reference"] for r in filed]))
    photos = [m["url"] for r in assigned for m in r["media"]]
    assert len(photos) == SUBMISSIONS // PHOTO_EVERY

    x, y = tile_of(*DBP, 15)
    reads = [
        ("/api/v1/reports/?page_size=5&page=2", lambda r: len(r.json()["results"]) == 5),
        ("/api/v1/reports/?page_size=5&page=3", lambda r: len(r.json()["results"]) == 2),
        ("/api/v1/maps/public/reports/", lambda r: len(r.json()["features"]) == SUBMISSIONS),
        # Exports read their rows with .iterator(): no server-side cursor behind the pooler.
        ("/api/v1/maps/export/geojson/", lambda r: len(r.json()["features"]) == SUBMISSIONS),
        ("/api/v1/maps/export/csv/", lambda r: r.text.count("\n") >= SUBMISSIONS + 1),
        (f"/api/v1/maps/tiles/public/15/{x}/{y}.mvt", lambda r: len(r.content) > 0),
        (f"/api/v1/maps/tiles/public/8/{tile_of(*DBP, 8)[0]}/{tile_of(*DBP, 8)[1]}.mvt", None),
        (f"/api/v1/reports/{filed[0]['reference']}/", lambda r: r.json()["media"]),
        *((urlsplit(photo).path, lambda r: r.content[:2] == b"\xff\xd8") for photo in photos),
    ]

    def read(item) -> str | None:
        path, check = item
        answer = requests.get(portal.url + path, headers=ioc, timeout=30)
        if answer.status_code != 200 or (check and not check(answer)):
            return f"{path}: {answer.status_code} {answer.text[:300]}"
        return None

    with ThreadPoolExecutor(THREADS) as pool:
        failures = [f for f in pool.map(read, reads * 4) if f]
    took = time.monotonic() - started
    assert not failures, failures

    assert manage_shell(portal.env, "tests.deploy.test_pgbouncer", "world_read") == {
        "reports": SUBMISSIONS,
        "assigned": SUBMISSIONS,
        "media": SUBMISSIONS // PHOTO_EVERY,
    }
    # The pool held at most its size in server connections while more clients came and
    # waited their turn: the requests really shared it.
    [pool_row] = [p for p in portal.bouncer.admin("SHOW POOLS") if p["database"] == DATABASE]
    servers = sum(
        int(pool_row[k]) for k in ("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login")
    )
    clients = int(pool_row["cl_active"]) + int(pool_row["cl_waiting"])
    assert servers <= POOL_SIZE < clients, pool_row
    [stats] = [s for s in portal.bouncer.admin("SHOW STATS") if s["database"] == DATABASE]
    assert int(stats["total_wait_time"]) > 0, stats
    for text in (portal.log.read_text(errors="replace"), portal.bouncer.log()):
        bad = [line for line in text.splitlines() if any(e in line for e in POOL_ERRORS)]
        assert not bad, bad[:10]
    print(
        f"\nown cluster + pgbouncer (pool_size {POOL_SIZE}, transaction mode), migrations, "
        f"boundaries and gunicorn ready in {portal.setup_seconds:.1f} s; {SUBMISSIONS} "
        f"submissions, {SUBMISSIONS} assignments and {len(reads) * 4} reads from {THREADS} "
        f"threads in {took:.1f} s; {clients} clients on {servers} server connections, "
        f"{int(stats['total_xact_count'])} transactions, "
        f"waited {int(stats['total_wait_time']) / 1e6:.2f} s in all"
    )
