"""Several web and worker nodes keep no state in a process: two gunicorn instances (production
settings, a socket each) behind one nginx upstream (deploy/nginx/gis_portal.conf), two Celery
workers each relaying the outbox, and two beats, sharing one PostgreSQL and one Redis.

A session opened on one node is valid on the other, a request limit counts requests to both,
every report filed and assigned through nginx from several threads is e-mailed to each of its
recipients exactly once (a real SMTP server receives them), and a periodic task runs once per
period although two beats run, also after the beat that held the lock is killed.

Everything is the test's own: a PostgreSQL 15 cluster and a redis-server on free ports, nginx
on free ports with a certificate made here, temporary folders; all stopped at the end."""

import json
import os
import re
import secrets
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.deploy._nodes import (
    Cluster,
    SmtpSink,
    Supervisor,
    beat_send_times,
    beat_sends,
    finished,
    manage,
    nginx_render,
    nginx_start,
    node_named,
    node_start,
    self_signed_certificate,
    task_receptions,
)
from tests.processes import PostgresCluster, RedisProcess, free_port
from tests.reports.conftest import DBP
from tests.reports.worker_support import wait_for

pytestmark = pytest.mark.slow

NODES = ("a", "b")
CITIZENS = 6
REPORTS_EACH = 10
REPORTS = CITIZENS * REPORTS_EACH
CATEGORY = "nodes-category"
AGENCY = "nodes-ubnd"
PASSWORD = "mat-khau-thu-1"  # tests.reports.factories
NEARBY_RATE = 4
# The periodic task watched, its period, and beat's loop and lock, short for the test.
PURGE_ENTRY = "reports-idempotency-keys"
PURGE_TASK = "reports.tasks.idempotency_keys_purge_task"
PURGE_SECONDS = 3
BEAT_LOOP_SECONDS = 1
BEAT_LOCK_SECONDS = 4


def world_build() -> None:
    """Run by `manage.py shell` on the test's cluster: migrations, Điện Biên's boundaries, a
    category, a ward UBND with its officer, the IOC and the citizens, each with an e-mail
    address and an API token."""
    from django.core.management import call_command

    from boundaries.services.editions import EDITION_2025, edition_ensure
    from boundaries.services.importing import boundaries_import
    from gis_portal.accounts.tokens import token_issue
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
    agency = AgencyFactory(code=AGENCY, kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=["03127"])
    UserFactory(
        username="nodes-officer",
        role=Role.AGENCY_OFFICER,
        agency=agency,
        email="officer@nodes.test",
    )
    ioc = UserFactory(username="nodes-ioc", role=Role.IOC_OPERATOR, email="ioc@nodes.test")
    citizens = [
        UserFactory(
            username=f"nodes-citizen-{n}",
            email=f"citizen{n}@nodes.test",
            full_name=f"Lò Văn Nút {n}",
            phone=f"091200{n:04d}",
        )
        for n in range(CITIZENS)
    ]
    tokens = {user.username: token_issue(user=user).key for user in [ioc, *citizens]}
    print(json.dumps(tokens))


def stack_env(database: PostgresCluster, redis: RedisProcess, smtp: SmtpSink, folder: Path):
    """Every process's environment: production settings, the shared database and Redis, the
    test's SMTP server; short periods for the relay, the watched task and beat's lock."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DB_TEST_NAME")
    }
    return env | database.env("portal_nodes") | {
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production",
        # One secret for every node: sessions, CSRF tokens and signed values cross them.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "INFO",
        "REDIS_URL": redis.url,
        "CACHE_REDIS_URL": redis.url.removesuffix("/0") + "/1",
        "BOUNDARIES_DATA_DIR": str(settings.BOUNDARIES_DATA_DIR),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "OUTBOX_RELAY_SECONDS": "0.5",
        "THROTTLE_NEARBY_RATE": f"{NEARBY_RATE}/minute",
        "REPORTS_IDEMPOTENCY_PURGE_SECONDS": str(PURGE_SECONDS),
        "CELERY_BEAT_MAX_LOOP_SECONDS": str(BEAT_LOOP_SECONDS),
        "REDBEAT_LOCK_TIMEOUT_SECONDS": str(BEAT_LOCK_SECONDS),
        # The statistics fold (every 15 s by default) would be sent during the takeover test;
        # an hour keeps every entry but the purge out of the run, as the beat test expects.
        "STATS_CUBE_FOLD_SECONDS": "3600",
        "GUNICORN_WORKERS": "2",
    }  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = time.monotonic()
    try:
        database = PostgresCluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed (scripts/setup.sh --nginx, as `make test` runs it)")
    folder = tmp_path_factory.mktemp("nodes")
    redis, smtp, supervisor = RedisProcess(folder), SmtpSink(), None
    timings = {}
    try:
        database.init()
        database.start()
        database.createdb("portal_nodes")
        redis.start()
        smtp.start()
        env = stack_env(database, redis, smtp, folder)
        timings["database and redis"] = time.monotonic() - started
        # The database and the static files (hashed names, as production pages want) at once.
        code = "from tests.deploy.test_multinode import world_build; world_build()"
        build = manage(env, "shell", "-c", code)
        # Not the admin's, the API browser's and the schema pages' files: no page here uses them.
        ignored = [
            "-i",
            "admin",
            "-i",
            "rest_framework",
            "-i",
            "drf_spectacular_sidecar",
            "-i",
            "gis",
        ]
        collect = manage(env, "collectstatic", "--noinput", "-v0", *ignored)
        cert, key = self_signed_certificate(folder)
        https, sockets = free_port(), [folder / f"web-{n}.sock" for n in NODES]
        nginx_conf = nginx_render(folder, sockets=sockets, https=https, http=free_port(),
                                  cert=cert, key=key, static=folder / "static",
                                  media=folder / "media")  # fmt: skip
        tokens = json.loads(finished(build, "world_build").strip().splitlines()[-1])
        finished(collect, "collectstatic")
        timings["migrations, boundaries, static files"] = time.monotonic() - started
        supervisor = Supervisor(folder, env)
        for name, socket in zip(NODES, sockets, strict=True):
            node_start(supervisor, name, socket)
        nginx_start(supervisor, nginx_conf)
        found = Cluster(
            url=f"https://127.0.0.1:{https}", folder=folder, supervisor=supervisor, smtp=smtp,
            cert=cert, dsn=f"host=127.0.0.1 port={database.port} dbname=portal_nodes "
            f"user={database.user}", tokens=tokens, timings=timings,
        )  # fmt: skip
        probe, answered = found.session(), set()

        def both_answer() -> bool:
            assert not supervisor.dead(), f"exited: {supervisor.dead()}\n{found.logs_tail()}"
            try:
                response = probe.get(found.url + "/healthz", timeout=5)
            except requests.RequestException:
                return False
            if response.status_code == 200:
                answered.add(found.node_of(response))
            return answered == set(NODES)

        assert wait_for(both_answer, timeout=90) is not None, found.logs_tail()
        timings["every process answering"] = time.monotonic() - started
        yield found
    finally:
        if supervisor is not None:
            supervisor.stop_all()
        smtp.stop()
        redis.stop_if_running()
        database.remove()


def test_a_session_opened_on_one_node_is_valid_on_the_other(cluster):
    session = cluster.session()
    page = session.get(cluster.url + "/dang-nhap/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    signed_in = session.post(
        cluster.url + "/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "username": "nodes-citizen-0", "password": PASSWORD},
        headers={"Referer": cluster.url + "/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    # The form came from one node and was posted to the other: the CSRF check crossed them.
    assert {cluster.node_of(page), cluster.node_of(signed_in)} == set(NODES)
    pages = [
        session.get(cluster.url + "/phan-anh/cua-toi/", allow_redirects=False, timeout=10)
        for _ in range(4)
    ]
    assert [p.status_code for p in pages] == [200] * 4, [p.headers.get("Location") for p in pages]
    assert {cluster.node_of(p) for p in pages} == set(NODES)


def test_a_request_limit_counts_the_requests_to_both_nodes(cluster):
    session = cluster.session()
    headers = {"Authorization": "Token " + cluster.tokens["nodes-citizen-0"]}
    params = {"category": CATEGORY, "lon": DBP[0], "lat": DBP[1]}
    answers = [
        session.get(
            cluster.url + "/api/v1/reports/nearby/", params=params, headers=headers, timeout=10
        )
        for _ in range(NEARBY_RATE + 4)
    ]
    assert [a.status_code for a in answers] == [200] * NEARBY_RATE + [429] * 4
    assert {cluster.node_of(a) for a in answers[:NEARBY_RATE]} == set(NODES)
    assert {cluster.node_of(a) for a in answers[NEARBY_RATE:]} == set(NODES)


def file_and_assign(cluster: Cluster, citizen: str) -> list[str]:
    """A citizen's reports, each assigned by the IOC right after it was filed."""
    session = cluster.session()
    references = []
    for n in range(REPORTS_EACH):
        filed = session.post(
            cluster.url + "/api/v1/reports/",
            headers={
                "Authorization": "Token " + cluster.tokens[citizen],
                "Idempotency-Key": uuid.uuid4().hex,
            },
            data={
                "category": CATEGORY,
                "title": f"Cống tắc số {n} ({citizen})",
                "description": "Nước tràn ra đường.",
                "lon": DBP[0],
                "lat": DBP[1],
            },
            timeout=30,
        )
        assert filed.status_code == 201, filed.text[:500]
        reference = filed.json()["reference"]
        assigned = session.post(
            f"{cluster.url}/api/v1/reports/{reference}/assign/",
            headers={"Authorization": "Token " + cluster.tokens["nodes-ioc"]},
            json={"agency": AGENCY},
            timeout=30,
        )
        assert assigned.status_code == 200, assigned.text[:500]
        references.append(reference)
    return references


def test_each_report_is_emailed_to_each_recipient_exactly_once(cluster):
    started = time.monotonic()
    with ThreadPoolExecutor(CITIZENS) as pool:
        filed = list(
            pool.map(lambda n: file_and_assign(cluster, f"nodes-citizen-{n}"), range(CITIZENS))
        )
    took_requests = time.monotonic() - started
    owner = {ref: f"citizen{n}@nodes.test" for n, refs in enumerate(filed) for ref in refs}
    assert len(owner) == REPORTS
    # Two events a report (filed: the IOC hears; assigned: the reporter and the officer),
    # and an e-mail message for each of the three notifications.
    expected_messages = REPORTS * (2 + 3)

    def drained() -> bool:
        assert not cluster.supervisor.dead(), cluster.logs_tail()
        states = dict(
            cluster.query("SELECT state, count(*) FROM outbox_outboxmessage GROUP BY state")
        )
        return states == {"sent": expected_messages} and len(cluster.smtp.messages) >= 3 * REPORTS

    waited = wait_for(drained, timeout=60)
    assert waited is not None, (
        cluster.query("SELECT state, topic, count(*) FROM outbox_outboxmessage GROUP BY 1, 2"),
        len(cluster.smtp.messages),
    )
    time.sleep(1)  # anything sent twice would arrive about now
    received = cluster.smtp.messages
    pairs = Counter()
    for message in received:
        reference = re.match(r"Phản ánh (\S+):", message.subject)[1]
        pairs[(message.to[0], reference)] += 1
    expected = Counter()
    for reference, reporter in owner.items():
        expected.update(
            {
                (reporter, reference): 1,
                ("ioc@nodes.test", reference): 1,
                ("officer@nodes.test", reference): 1,
            }
        )
    assert pairs == expected
    assert len(received) == len({m.message_id for m in received}) == 3 * REPORTS
    # Every message was delivered by its first attempt, each notification e-mailed once.
    assert cluster.query("SELECT DISTINCT attempts FROM outbox_outboxmessage") == [(1,)]
    assert cluster.query("SELECT count(*), count(emailed_at) FROM reports_notification") == [
        (3 * REPORTS,) * 2
    ]
    # Both workers took the relay's wake-up calls (each also relays on its own every 0.5 s).
    for n in NODES:
        assert "outbox.tasks.outbox_relay_task[" in cluster.log(f"worker-{n}"), n
    print(
        f"\n{REPORTS} reports filed and assigned through nginx from {CITIZENS} threads in "
        f"{took_requests:.1f} s; outbox drained {waited:.1f} s later, {len(received)} e-mails; "
        "set-up (cumulative): " + ", ".join(f"{k} {v:.1f} s" for k, v in cluster.timings.items())
    )


def test_both_gunicorns_served_requests(cluster):
    served = Counter()
    for upstream, count in cluster.upstreams.items():
        if ".sock" in upstream:  # not a static file
            served[node_named(upstream)] += count
    assert set(served) == set(NODES), cluster.upstreams
    assert min(served.values()) >= sum(served.values()) / 3, served  # round robin, about half

    # Each gunicorn's own access log shows it served its share too, to the request (the 502s
    # nginx gave while one was starting are not counted). gunicorn writes a line after it has
    # sent the response, so the last one may still be on its way.
    def logged(n):
        return len((cluster.folder / f"web-{n}-access.log").read_text().splitlines())

    wait_for(lambda: all(logged(n) >= served[n] for n in NODES), timeout=10)
    assert {n: logged(n) for n in NODES} == dict(served)


def test_a_periodic_task_runs_once_a_period_despite_two_beats_and_a_dead_one(cluster):
    holders = [n for n in NODES if "Acquired lock" in cluster.log(f"beat-{n}")]
    assert len(holders) == 1, holders
    holder, standby = holders[0], next(n for n in NODES if n != holders[0])
    assert beat_sends(cluster, holder, PURGE_ENTRY) >= 2
    assert beat_sends(cluster, standby, PURGE_ENTRY) == 0
    killed = time.time()
    cluster.supervisor.kill(f"beat-{holder}")
    took_over = wait_for(
        lambda: "Acquired lock" in cluster.log(f"beat-{standby}"), timeout=BEAT_LOCK_SECONDS + 10
    )
    assert took_over is not None, cluster.log(f"beat-{standby}")[-2000:]
    assert wait_for(lambda: beat_sends(cluster, standby, PURGE_ENTRY) >= 2, timeout=15)
    time.sleep(1)
    sent = beat_send_times(cluster, PURGE_ENTRY)
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    # Two beats sending each run would show as pairs of sends a moment apart; the takeover
    # keeps the period too (RedBeat keeps each entry's last run in Redis).
    assert min(gaps) >= PURGE_SECONDS * 0.9, gaps
    # Each send was one run on one of the workers.
    assert len(task_receptions(cluster, PURGE_TASK)) == len(sent)
    # The period held across the takeover: the lock's timeout, a loop and a period at most.
    handover = next(b - a for a, b in zip(sent, sent[1:], strict=False) if a < killed <= b)
    assert handover <= BEAT_LOCK_SECONDS + BEAT_LOOP_SECONDS + PURGE_SECONDS + 2, gaps
    # Nothing else was sent, by either beat, at the takeover either: the other entries' periods
    # (minutes to a day) count from the last run kept in Redis.
    assert sum(cluster.log(f"beat-{n}").count("Sending due task") for n in NODES) == len(sent)
    print(
        f"\n{len(sent)} runs of {PURGE_ENTRY} (every {PURGE_SECONDS} s), gaps "
        f"{min(gaps):.1f}-{max(gaps):.1f} s; beat {standby} took the lock {took_over:.1f} s "
        f"after beat {holder} was killed"
    )
