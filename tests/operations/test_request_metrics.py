"""Request latency per URL name, in this process (runserver, tests) and summed over gunicorn's
workers: the real gunicorn with deploy/gunicorn.conf.py and two workers, one of them stopped
half-way (as max_requests does), and /metrics still counts every request once, with the
database figures once; its access log is JSON lines with the request id."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.processes import free_port
from tests.reports.conftest import DBP

ROOT = Path(settings.BASE_DIR)
COUNT = "portal_http_request_duration_seconds_count"


def count(view: str, status: str = "2xx", method: str = "GET") -> float:
    labels = {"view": view, "method": method, "status": status}
    return REGISTRY.get_sample_value(COUNT, labels) or 0.0


@pytest.mark.django_db
def test_tiles_locate_and_every_view_are_timed_by_url_name(client):
    before = {v: count(v) for v in ("maps-public-tiles", "locate")}
    unmatched = count("unmatched", "4xx")
    assert client.get("/api/v1/maps/tiles/public/12/3221/1779.mvt").status_code in (200, 204)
    assert client.get(f"/api/v1/locate?lon={DBP[0]}&lat={DBP[1]}").status_code == 200
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert count("maps-public-tiles") == before["maps-public-tiles"] + 1
    assert count("locate") == before["locate"] + 1
    assert count("unmatched", "4xx") == unmatched + 1
    text = client.get("/metrics").content.decode()
    assert 'portal_http_request_duration_seconds_bucket{le="0.05",method="GET"' in text


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _wait(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def gunicorn(django_db_setup, tmp_path):
    """gunicorn with the deploy config on a free port, test settings and the test database."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    # Files left by an earlier run (even broken ones) are removed at start.
    (metrics_dir / "histogram_1.db").write_bytes(b"left over")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.test",
        "DB_NAME": settings.DATABASES["default"]["NAME"],
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_FORMAT": "json",
    }
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", str(access),
         "--error-logfile", str(errors)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"

        def answering():
            try:
                return requests.get(f"{url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        _wait(answering)
        yield url, server, metrics_dir, access, errors
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow
def test_metrics_sum_every_gunicorn_worker_even_one_that_exited(gunicorn):
    url, server, metrics_dir, access, errors = gunicorn
    ids = [requests.get(f"{url}/healthz", timeout=10).headers["X-Request-ID"] for _ in range(9)]
    # One worker that counted requests exits; the master folds its files and starts another.
    counted = {int(p.stem.split("_")[1]) for p in metrics_dir.glob("histogram_[0-9]*.db")}
    assert counted and counted <= _children(server.pid)
    gone = counted.pop()
    os.kill(gone, signal.SIGTERM)
    _wait(lambda: not (metrics_dir / f"histogram_{gone}.db").exists())
    _wait(lambda: len(_children(server.pid) - {gone}) == 2)
    assert (metrics_dir / "histogram_archive.db").exists()
    for _ in range(5):
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
    text = requests.get(f"{url}/metrics", timeout=10).text
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    healthz = {("view", "healthz"), ("method", "GET"), ("status", "2xx")}
    answered = samples[(COUNT, frozenset(healthz))]
    # The probes while waiting for the server counted too: at least 1 + 9 + 5.
    assert answered >= 15
    bucket = ("portal_http_request_duration_seconds_bucket", frozenset({*healthz, ("le", "+Inf")}))
    assert samples[bucket] == answered
    assert text.count("# TYPE portal_reports gauge") == 1
    lines = [json.loads(line) for line in access.read_text().splitlines()]
    logged = {line["request_id"]: line for line in lines}
    assert all(logged[i]["path"] == "/healthz" and logged[i]["status"] == 200 for i in ids)
    # Django's own lines (stderr, in the error log) are JSON too.
    requests.get(f"{url}/khong-co-trang-nay/", timeout=10)
    _wait(lambda: "Not Found" in errors.read_text())
    entry = next(json.loads(x) for x in errors.read_text().splitlines() if "Not Found" in x)
    assert entry["logger"] == "django.request" and len(entry["request_id"]) == 32
