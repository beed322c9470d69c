"""Killing PostgreSQL in the middle of a load loses no acknowledged submission and files none
twice: 200 reports (some with a photo) go over HTTP to the real app server (gunicorn,
production settings, persistent connections) from several threads while the database is
killed as in a crash and started again; every client retries a failed request with the same
Idempotency-Key until it is acknowledged.

This test starts a PostgreSQL 15 cluster of its own (tests.processes.PostgresCluster: its own
folder, port and socket; the shared cluster on 5432 is never touched) and a redis-server of its
own for the cache and the broker, and removes both, with the server, whatever the outcome.
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from gis_portal.api_errors import DATABASE_RETRY_SECONDS
from tests.processes import PostgresCluster, RedisProcess, free_port, manage_shell, portal_env
from tests.reports.conftest import DBP
from tests.reports.media_samples import gps_jpeg
from tests.reports.worker_support import wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = 200
PHOTO_EVERY = 5
KILL_AFTER_ACKNOWLEDGED = 50
DOWN_SECONDS = 1.5
CLIENT_THREADS = 6
LOAD_DEADLINE_SECONDS = 60
CATEGORY = "fault-category"
CITIZEN = "fault-citizen"


def world_build() -> None:
    """Run by `manage.py shell` against the cluster of the test: migrate, Điện Biên's
    boundaries (as tests/conftest.py loads them), a category and a citizen."""
    from django.core.management import call_command

    from boundaries.services.editions import EDITION_2025, edition_ensure
    from boundaries.services.importing import boundaries_import
    from tests.conftest import dien_bien_paths
    from tests.reports.factories import CategoryFactory, UserFactory

    call_command("migrate", verbosity=0)
    province_path, commune_path = dien_bien_paths()
    boundaries_import(
        edition=edition_ensure(**EDITION_2025),
        province_path=province_path,
        commune_path=commune_path,
    )
    CategoryFactory(code=CATEGORY)
    UserFactory(username=CITIZEN, full_name="Lò Văn Sự Cố", phone="0912000111")
    print(json.dumps({"citizen": CITIZEN}))


def world_read() -> None:
    """Run by `manage.py shell` once the load is over: what the database holds."""
    from reports.models import IdempotencyKey, Media, Report

    keys = IdempotencyKey.objects.filter(user__username=CITIZEN)
    media = Media.objects.values_list("report__reference", "file", "thumbnails")
    print(
        json.dumps(
            {
                "references": list(Report.objects.values_list("reference", flat=True)),
                "keys": list(keys.values_list("key", "report__reference")),
                "media": [
                    [ref, name, [t["name"] for t in thumbs.values()]] for ref, name, thumbs in media
                ],
            }
        )
    )


@dataclass
class Portal:
    url: str
    env: dict
    media: Path
    cluster: PostgresCluster
    setup_seconds: float


@pytest.fixture
def portal():
    """The app server on a cluster and a redis-server of the test's own."""
    started = time.monotonic()
    try:
        cluster = PostgresCluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    server = redis = log = None
    try:
        redis = RedisProcess(cluster.folder)
        cluster.init()
        cluster.start()
        cluster.createdb("portal_fault")
        redis.start()
        media = cluster.folder / "media"
        env = portal_env(
            cluster.folder,
            redis_url=redis.url,
            **cluster.env("portal_fault"),
        )
        manage_shell(env, "tests.reports.test_postgres_fault", "world_build")
        # Production pages name hashed static files from the manifest collectstatic writes.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        port = free_port()
        log = (cluster.folder / "gunicorn.log").open("w+")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "gis_portal.wsgi",
             "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
             "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"

        def answering() -> bool:
            try:
                return requests.get(f"{url}/api/v1/reports/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(answering, timeout=30) is not None, Path(log.name).read_text()[-3000:]
        # The citizen signs in as an app does (factories' password).
        login = {"username": CITIZEN, "password": "mat-khau-thu-1"}
        token = requests.post(f"{url}/api/v1/auth/token/", data=login, timeout=10).json()["token"]
        setup_seconds = time.monotonic() - started
        yield Portal(url, env, media, cluster, setup_seconds), token
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
        cluster.remove()


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: int = 0
    failures: Counter = field(default_factory=Counter)
    retry_after: Counter = field(default_factory=Counter)
    successes_at: list = field(default_factory=list)
    failures_at: list = field(default_factory=list)

    def fail(self, kind: str, retry_after: str | None = None) -> None:
        with self.lock:
            self.failures[kind] += 1
            self.failures_at.append(time.monotonic())
            if retry_after:
                self.retry_after[retry_after] += 1

    def succeed(self) -> None:
        with self.lock:
            self.acknowledged += 1
            self.successes_at.append(time.monotonic())


def submit(
    portal: Portal, token: str, n: int, tally: Tally, deadline: float
) -> tuple[str, str, int, int]:
    """One submission, retried with its key until acknowledged: (key, reference, status,
    attempts). A refusal other than unavailability (4xx) fails the test."""
    key = uuid.uuid4().hex
    data = {
        "category": CATEGORY,
        "title": f"Sự cố thử số {n}",
        "description": "Cống thoát nước bị tắc, nước tràn ra đường.",
        "lon": DBP[0],
        "lat": DBP[1],
    }
    photo = gps_jpeg(name=f"IMG_{n:04d}.JPG").read() if n % PHOTO_EVERY == 0 else None
    headers = {"Authorization": f"Token {token}", "Idempotency-Key": key}
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        files = {"media": (f"IMG_{n:04d}.JPG", photo, "image/jpeg")} if photo else None
        try:
            answer = requests.post(
                f"{portal.url}/api/v1/reports/", data=data, files=files, headers=headers, timeout=15
            )
        except requests.RequestException as exc:
            tally.fail(type(exc).__name__)
            time.sleep(0.2)
            continue
        if answer.status_code in (200, 201):
            tally.succeed()
            return key, answer.json()["reference"], answer.status_code, attempts
        if answer.status_code < 500:
            raise AssertionError(f"submission {n}: {answer.status_code} {answer.text[:500]}")
        tally.fail(f"HTTP {answer.status_code}", answer.headers.get("Retry-After"))
        time.sleep(0.2)  # the test's clients poll faster than Retry-After asks
    raise AssertionError(f"submission {n} was not acknowledged in {LOAD_DEADLINE_SECONDS} s")


def test_killing_postgres_mid_load_loses_no_acknowledged_submission(portal):
    portal, token = portal
    tally = Tally()
    outage: dict = {}

    def crash() -> None:
        wait_for(lambda: tally.acknowledged >= KILL_AFTER_ACKNOWLEDGED, timeout=60)
        outage["acknowledged_before"] = tally.acknowledged
        outage["killed"] = time.monotonic()
        try:
            portal.cluster.kill()
            # A page (not the API) during the outage: a plain 503 too, never a 500.
            page = requests.get(f"{portal.url}/", timeout=10)
            outage["page"] = (page.status_code, page.headers.get("Retry-After"))
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - outage["killed"])))
            outage["restarting"] = time.monotonic()
            portal.cluster.start()
        except subprocess.CalledProcessError as exc:
            outage["error"] = f"{exc}: {exc.stderr}\n{portal.cluster.log()[-2000:]}"
            return
        outage["up"] = time.monotonic()

    crasher = threading.Thread(target=crash)
    crasher.start()
    started = time.monotonic()
    deadline = started + LOAD_DEADLINE_SECONDS
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        futures = [
            pool.submit(submit, portal, token, n, tally, deadline) for n in range(SUBMISSIONS)
        ]
        crasher.join()
        assert "error" not in outage, outage["error"]
        outcomes = [f.result() for f in futures]
    took = time.monotonic() - started
    assert "up" in outage, "the load ended before the database was killed"
    assert outage["acknowledged_before"] < SUBMISSIONS, "nothing was in flight at the kill"
    stored = manage_shell(portal.env, "tests.reports.test_postgres_fault", "world_read")

    acknowledged = {key: reference for key, reference, _, _ in outcomes}
    references = stored["references"]
    lost = set(acknowledged.values()) - set(references)
    duplicates = len(references) - len(set(acknowledged.values()))
    assert not lost, f"acknowledged but not in the database: {sorted(lost)}"
    assert len(references) == len(set(references)) == SUBMISSIONS
    assert dict(stored["keys"]) == acknowledged  # each key: one report, the one acknowledged
    assert len(stored["keys"]) == SUBMISSIONS

    # Photos: one per photo submission, every file (and thumbnail) on disk, no file without
    # its row (a rolled-back attempt removes what it stored).
    photo_references = {acknowledged[key] for key, _, _, _ in outcomes[::PHOTO_EVERY]}
    assert sorted(ref for ref, _, _ in stored["media"]) == sorted(photo_references)
    names = {name for _, file, thumbs in stored["media"] for name in [file, *thumbs]}
    on_disk = {str(p.relative_to(portal.media)) for p in portal.media.rglob("*") if p.is_file()}
    assert names <= on_disk, f"rows without their file: {sorted(names - on_disk)}"
    assert on_disk == names, f"orphan files: {sorted(on_disk - names)}"

    # The outage is answered with a 503 and Retry-After (gis_portal.api_errors), never a 500;
    # the server itself stays up.
    assert set(tally.failures) == {"HTTP 503"}, tally.failures
    assert set(tally.retry_after) == {str(DATABASE_RETRY_SECONDS)}
    assert outage["page"] == (503, str(DATABASE_RETRY_SECONDS))
    after_restart = [t for t in tally.successes_at if t > outage["restarting"]]
    failed_once_up = sum(1 for t in tally.failures_at if t > outage["up"])
    replayed = sum(1 for _, _, code, _ in outcomes if code == 200)
    retries = sum(attempts - 1 for _, _, _, attempts in outcomes)
    print(
        f"\nown cluster, migrations, boundaries and server ready in {portal.setup_seconds:.1f} s; "
        f"{SUBMISSIONS} submissions ({len(photo_references)} with a photo) in {took:.1f} s, "
        f"{sum(a for *_, a in outcomes)} requests; database killed after "
        f"{outage['acknowledged_before']} acknowledged, down {DOWN_SECONDS} s, "
        f"restart took {outage['up'] - outage['restarting']:.1f} s\n"
        f"failed requests during the outage: {sum(tally.failures.values())} "
        f"{dict(tally.failures)} (Retry-After {dict(tally.retry_after)}); retries {retries}; "
        f"answered from the key after the retry (committed, answer lost): {replayed}\n"
        f"first acknowledgement {after_restart[0] - outage['up']:.2f} s after the database was "
        f"up ({after_restart[0] - outage['killed']:.2f} s after the kill); requests failed once "
        f"it was up: {failed_once_up}; "
        f"lost {len(lost)}, duplicates {duplicates}"
    )
