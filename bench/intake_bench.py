"""Benchmark of the durable intake, POST /api/v1/reports/, over real HTTP. Prints figures,
ratios and targets; asserts nothing but that every acknowledged report is in the database.

    .venv/bin/python bench/intake_bench.py [--seconds 20] [--connections 4] [--rounds 4]
                                           [--tree DIR] [--compare DIR]

--tree serves (and counts the statements of) the code of another checkout instead, e.g. the
previous path: `mkdir /tmp/before && git archive <commit> | tar -x -C /tmp/before`. The schema
is always migrated by this checkout (later migrations only add to it). --compare DIR serves
that checkout too, from a second gunicorn, and interleaves every slice of both (the figures of
the two side by side, from one run; only one server is driven at a time).

gunicorn (production settings, 2 sync workers, persistent database connections) serves a
database of its own (DB_NAME_INTAKE_BENCH, default gis_portal_intake_bench: migrated, Điện Biên
boundaries and routing data loaded once). A citizen's API token drives, with `connections`
clients at once, interleaved slices of three loads (each `seconds` in all, in `rounds` slices):

- GET /api/v1/me/: the authenticated trivial GET (token check, one small JSON body);
- POST /api/v1/reports/ as JSON, without an Idempotency-Key;
- the same with a fresh Idempotency-Key per report (as the web form sends).

CPU is read from /proc (utime + stime) of the gunicorn workers and of their PostgreSQL
backends. At the end every client's in-flight request is answered before the database is
asked whether the reports it holds are exactly the ones acknowledged with a 201.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Read before Django starts: the code imported here is the one measured.
TREE = Path(sys.argv[sys.argv.index("--tree") + 1]).resolve() if "--tree" in sys.argv else ROOT
sys.path.insert(0, str(TREE))
os.chdir(TREE)  # Celery puts the working directory first on sys.path when it loads
BENCH_DB = os.environ.get("DB_NAME_INTAKE_BENCH", "gis_portal_intake_bench")
# The bench process itself talks to the bench database (set-up, statement count, row check).
os.environ["DB_NAME"] = BENCH_DB
# Each report wakes the outbox relay through the broker, as in production; no worker listens on
# this Redis database, and the queue of wake-ups is dropped at the end.
BENCH_BROKER = os.environ.get("INTAKE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ["REDIS_URL"] = BENCH_BROKER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from psycopg import sql as pg_sql  # noqa: E402

CATEGORY = "ve-sinh-moi-truong"
TICKS = os.sysconf("SC_CLK_TCK")
ME, INTAKE = "/api/v1/me/", "/api/v1/reports/"


def line(label: str, value: str) -> None:
    print(f"  {label:<62} {value}", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if values else 0.0


def dsn_for(name: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"host={db['HOST']} port={db['PORT']} dbname={name} "
        f"user={db['USER']} password={db['PASSWORD']}"
    )


def database_ensure() -> None:
    admin_dsn = dsn_for("postgres")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(pg_sql.SQL("CREATE DATABASE {}").format(pg_sql.Identifier(BENCH_DB)))
    manage = [sys.executable, "manage.py"]
    quiet = {"cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **quiet)
    subprocess.run([*manage, "boundaries_import", "--if-empty"], **quiet)
    subprocess.run([*manage, "routing_load"], **quiet)


def citizen_token() -> str:
    from knox.models import AuthToken

    from reports.models import User

    user, _ = User.objects.update_or_create(
        username="bench-intake",
        defaults={"full_name": "Lò Văn Thử", "phone": "0912000111", "email": ""},
    )
    # One token, as a citizen's app holds: knox reads all of an account's tokens on each request.
    AuthToken.objects.filter(user=user).delete()
    _, key = AuthToken.objects.create(user=user, expiry=None)
    return key


def sample_points(count: int) -> list[tuple[float, float]]:
    """Random points inside the served communes (not in border slivers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g.geom), ST_Y(g.geom) FROM boundaries_adminunit u, "
            "ST_Dump(ST_GeneratePoints(ST_Buffer(u.geom, -0.002), %s, 11)) g "
            "WHERE u.level = 'commune' AND u.province_code = '11' "
            "AND u.edition_id = (SELECT id FROM boundaries_edition WHERE slug = '2025')",
            [max(1, count // 45)],
        )
        return cursor.fetchall()


def body(run: str, n: int, point: tuple[float, float]) -> bytes:
    return json.dumps(
        {
            "category": CATEGORY,
            "title": f"bench {run} #{n}: rác thải đổ trộm",
            "description": "Rác thải tồn đọng nhiều ngày cạnh đường, bốc mùi.",
            "lon": round(point[0], 6),
            "lat": round(point[1], 6),
        }
    ).encode()


def statements_count(token: str, points) -> dict:
    """Statements of one submission in this process (same code, same database): all of them
    as Django counts them (BEGIN and COMMIT included), and those inside the transaction;
    authentication's own (the token's look-up, as for any request) left out."""
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    auth, _ = _captured(lambda: client.get(ME))
    counts = {}
    for label, key in (("no key", False), ("with key", True)):
        payload = body("count", 0, random.choice(points))
        for _ in range(2):  # warm the caches (category, locate index)
            client.post(INTAKE, payload, content_type="application/json")
        headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if key else {}
        total, inside = _captured(
            lambda h=headers, p=payload: client.post(
                INTAKE, p, content_type="application/json", **h
            )
        )
        counts[label] = (total - auth, inside)
    return counts


def _captured(call) -> tuple[int, int]:
    """How many statements Django ran for the call, and how many inside an atomic block."""
    inside = [0]

    def wrapper(execute, sql, params, many, context):
        inside[0] += context["connection"].in_atomic_block
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(wrapper):
        response = call()
    assert response.status_code in (200, 201), response.content[:500]
    return len(captured), inside[0]


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int, tree: Path = TREE) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DB_NAME": BENCH_DB,
        "DB_PASSWORD": db["PASSWORD"],
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback, no proxy in front.
        "DJANGO_BEHIND_PROXY": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gis_portal.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--timeout=60",
        ],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def backend_pids(conn) -> list[int]:
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'",
        [BENCH_DB],
    ).fetchall()
    return [row[0] for row in rows]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


# --- the clients --------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    method: str
    path: str
    key: bool = False
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_worker: float = 0.0
    cpu_postgres: float = 0.0
    cpu_client: float = 0.0


def client_loop(load, port, token, stop, points, run, counter, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    while not stop.is_set():
        payload, extra = None, {}
        if load.method == "POST":
            with lock:
                counter[0] += 1
                n = counter[0]
            payload = body(run, n, points[n % len(points)])
            extra = {"Content-Type": "application/json"}
            if load.key:
                extra["Idempotency-Key"] = f"{run}-{n}"
        start = time.perf_counter()
        try:
            conn.request(load.method, load.path, body=payload, headers={**headers, **extra})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # a sync worker closes after each answer: open a new one
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(load.method, load.path, body=payload, headers={**headers, **extra})
            response = conn.getresponse()
            data = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            load.latencies.append(elapsed)
            load.statuses[response.status] = load.statuses.get(response.status, 0) + 1
            if response.status == 201:
                load.references.append(json.loads(data)["reference"])
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
    conn.close()


def run_slice(load, seconds, connections, port, token, points, run, counter, pids, pg):
    lock = threading.Lock()
    stop = threading.Event()
    workers_before, pg_before = cpu_seconds(pids[0]), cpu_seconds(pids[1])
    client_before = time.process_time()
    start = time.perf_counter()
    threads = [
        threading.Thread(
            target=client_loop, args=(load, port, token, stop, points, run, counter, lock)
        )
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:  # every in-flight request gets its answer first
        thread.join()
    load.seconds += time.perf_counter() - start
    load.cpu_worker += cpu_seconds(pids[0]) - workers_before
    load.cpu_postgres += cpu_seconds(pids[1]) - pg_before
    load.cpu_client += time.process_time() - client_before


def report_load(load: Load) -> float:
    done = len(load.latencies)
    cpu_ms = (load.cpu_worker + load.cpu_postgres) * 1000 / max(done, 1)
    print(f"{load.name}: {done} requests in {load.seconds:.1f} s, statuses {load.statuses}")
    line("throughput (req/s)", f"{done / load.seconds:.1f}")
    line(
        "latency p50 / p99 (ms)",
        f"{percentile(load.latencies, 50):.1f} / {percentile(load.latencies, 99):.1f}",
    )
    line(
        "CPU per request: worker + PostgreSQL = total (ms)",
        f"{load.cpu_worker * 1000 / max(done, 1):.2f} + "
        f"{load.cpu_postgres * 1000 / max(done, 1):.2f} = {cpu_ms:.2f}",
    )
    line(
        "(this bench's own clients, on the same 2 cores) (ms)",
        f"{load.cpu_client * 1000 / max(done, 1):.2f}",
    )
    return cpu_ms


@dataclass
class Server:
    label: str
    tree: Path
    port: int = 0
    process: subprocess.Popen | None = None
    pids: tuple = ((), ())
    loads: list = field(default_factory=list)
    warm: Load | None = None


def server_up(server: Server, token, points, run, counter, pg, connections) -> None:
    # The backends that appear from now on are this server's (its connections persist).
    known = set(backend_pids(pg))
    server.port = free_port()
    server.process = gunicorn_start(server.port, server.tree)
    for _ in range(300):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            probe.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if probe.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    server.loads = [
        Load("authenticated trivial GET /api/v1/me/", "GET", ME),
        Load("POST /api/v1/reports/ (JSON, no Idempotency-Key)", "POST", INTAKE),
        Load("POST /api/v1/reports/ (JSON, Idempotency-Key)", "POST", INTAKE, key=True),
    ]
    # Warm both workers (their connections, caches and lazily loaded modules).
    warm = Load("warm-up", "POST", INTAKE)
    pids = (worker_pids(server.process.pid), [])
    port = server.port
    run_slice(warm, 2, connections, port, token, points, run, counter, pids, pg)
    run_slice(Load("w", "GET", ME), 1, connections, port, token, points, run, counter, pids, pg)
    server.warm = warm
    server.pids = (worker_pids(server.process.pid), [p for p in backend_pids(pg) if p not in known])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="per load, in all")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4, help="interleaved slices per load")
    parser.add_argument("--tree", type=Path, help="serve the code of this checkout instead")
    parser.add_argument("--compare", type=Path, help="also serve this checkout, interleaved")
    args = parser.parse_args()

    database_ensure()
    token = citizen_token()
    points = sample_points(5000)
    print(
        f"Intake bench on {BENCH_DB}, code of {TREE}: "
        f"{len(points)} points inside Điện Biên's communes"
    )
    counts = statements_count(token, points)
    for label, (total, inside) in counts.items():
        line(
            f"SQL statements per submission, {label}",
            f"{total} with BEGIN/COMMIT ({inside} inside the transaction)",
        )
    connection.close()

    servers = [Server("now", TREE)]
    if args.compare:
        servers.insert(0, Server(f"compared ({args.compare})", args.compare.resolve()))
    run = uuid.uuid4().hex[:8]
    counter = [0]
    try:
        with psycopg.connect(dsn_for(BENCH_DB), autocommit=True) as pg:
            for server in servers:
                server_up(server, token, points, run, counter, pg, args.connections)
                print(
                    f"gunicorn serving {server.tree}: 2 sync workers {server.pids[0]}, "
                    f"PostgreSQL backends {server.pids[1]}; {args.connections} connections, "
                    f"{args.rounds} interleaved slices per load"
                )
            slice_seconds = args.seconds / args.rounds
            for _ in range(args.rounds):
                for load_index in range(3):
                    for server in servers:
                        run_slice(
                            server.loads[load_index],
                            slice_seconds,
                            args.connections,
                            server.port,
                            token,
                            points,
                            run,
                            counter,
                            server.pids,
                            pg,
                        )
            acknowledged = [
                r
                for server in servers
                for load in [server.warm, *server.loads]
                for r in load.references
            ]
            stored = {
                row[0]
                for row in pg.execute(
                    "SELECT reference FROM reports_report WHERE title LIKE %s",
                    [f"bench {run} #%"],
                ).fetchall()
            }
    finally:
        for server in servers:
            if server.process is not None:
                os.killpg(server.process.pid, signal.SIGTERM)
                server.process.wait(timeout=30)
        # Wake-ups of the outbox relay (outbox.wake), and Celery's queue (an older tree's).
        redis.Redis.from_url(BENCH_BROKER).delete("celery", f"gis_portal:outbox:wake:{BENCH_DB}")

    for server in servers:
        if len(servers) > 1:
            print(f"== {server.label}")
        baseline = report_load(server.loads[0])
        for load in server.loads[1:]:
            cpu = report_load(load)
            line("CPU per report / CPU per trivial GET (target ≤ 4×)", f"{cpu / baseline:.1f}×")
            line(
                "p99 at 4 connections (target ≤ 50 ms)",
                f"{percentile(load.latencies, 99):.1f} ms",
            )
    if len(servers) > 1:
        before, now = servers
        print("== side by side (compared → now), same run, interleaved slices")
        for old, new in zip(before.loads, now.loads, strict=True):
            p99_old, p99_new = percentile(old.latencies, 99), percentile(new.latencies, 99)
            cpu_old = (old.cpu_worker + old.cpu_postgres) * 1000 / max(len(old.latencies), 1)
            cpu_new = (new.cpu_worker + new.cpu_postgres) * 1000 / max(len(new.latencies), 1)
            line(
                f"{new.name[:44]}: p99 / CPU ms",
                f"{p99_old:.1f} → {p99_new:.1f} / {cpu_old:.2f} → {cpu_new:.2f}",
            )
    same = stored == set(acknowledged) and len(acknowledged) == len(set(acknowledged))
    print(
        f"Rows check: {len(acknowledged)} reports acknowledged with 201, {len(stored)} stored "
        f"by this run: {'identical' if same else 'MISMATCH'}"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
