"""The load run of `make bench-load` (bench/load_*.py, bench/locustfile.py) without running it:
its URLs are the portal's, its locustfile has a user class per scenario, and what it reads
from locust and /proc is turned into the right figures. The run itself is not part of the
suite (it takes minutes and the whole machine)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.urls import resolve

from bench.load_plan import PATHS, SCENARIOS, multipart_body, path_of, tile_of
from bench.load_probe import ProcStat, backend_pattern, client_port, tree_seconds
from bench.load_report import cpu_table, endpoint_table, parse_failures, parse_stats, summarize

ROOT = Path(settings.BASE_DIR)

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,GET tile z10,300,0,12,14.2,3.1,210.0,5120.0,30.5,0.0,12,14,16,17,20,31,60,95,200,210,210
GET,GET tile z16,100,2,40,45.0,9.0,400.0,900.0,10.0,0.2,40,44,48,50,60,120,300,380,400,400,400
,Aggregated,400,2,15,21.9,3.1,400.0,4065.0,40.5,0.2,15,18,22,25,35,60,150,210,400,400,400
"""
FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
GET,GET tile z16,HTTPError('502 Server Error: Bad Gateway'),2,1764600000.0,1764600010.0
"""
PROBE = {
    "seconds": 40.0,
    "cpu": {
        "gunicorn": 8.0,
        "nginx": 1.0,
        "postgres": 3.0,  # the backends of gunicorn's workers
        "worker": 0.4,
        "beat": 0.0,
        "postgres_worker": 0.6,  # the backends of the Celery worker
    },
    "machine_busy": 20.0,
    "workers_started": 1,
    "worker_memory_kib": [{"rss": 153600, "pss": 140000}, {"rss": 163840, "pss": 150000}],
    "worker_memory_peak_kib": 170000,
}


def test_every_url_of_the_load_run_resolves_to_the_view_it_means():
    for key, (path, name) in PATHS.items():
        concrete = path.format(z=14, x=13032, y=7194)
        assert resolve(concrete).view_name == name, key
    assert path_of("tile", z=10, x=805, y=449) == "/api/v1/maps/tiles/public/10/805/449.mvt"


def test_the_locustfile_has_a_user_class_for_each_scenario():
    # In a process of its own: importing locust patches the whole process with gevent.
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert {s.user_class for s in SCENARIOS} <= set(listed)


def test_a_tile_holds_its_point():
    x, y = tile_of(103.0578, 21.4156, 10)
    assert (x, y) == (805, 449)
    assert tile_of(180.0, -85.06, 3) == (7, 7)


def test_the_report_body_is_what_django_reads():
    photo = b"\xff\xd8" + bytes(range(256)) * 4
    body, content_type = multipart_body(
        {"title": "Cống tắc", "lon": "103.05"}, [("media", "a.jpg", photo, "image/jpeg")]
    )
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    parser = MultiPartParser(meta, io.BytesIO(body), [MemoryFileUploadHandler()], "utf-8")
    fields, files = parser.parse()
    assert fields.dict() == {"title": "Cống tắc", "lon": "103.05"}
    assert files["media"].read() == photo
    assert files["media"].content_type == "image/jpeg"


def test_locust_stats_are_read_per_endpoint_with_the_aggregate_last():
    rows = parse_stats(STATS_CSV)
    assert [r["name"] for r in rows] == ["GET tile z10", "GET tile z16", "Aggregated"]
    assert rows[1] == {
        "name": "GET tile z16",
        "requests": 100,
        "failures": 2,
        "rps": 10.0,
        "average_bytes": 900.0,
        "p50": 40.0,
        "p95": 120.0,
        "p99": 380.0,
    }
    assert parse_failures(FAILURES_CSV) == [
        "2× GET tile z16: HTTPError('502 Server Error: Bad Gateway')"
    ]


def test_cpu_is_put_per_request_and_the_rest_of_the_machine_apart():
    result = summarize("tiles", parse_stats(STATS_CSV), [], PROBE, 4.0, 1.5, boot_seconds=2.0)
    per = result["cpu_ms_per_request"]
    assert per["gunicorn"] == pytest.approx(20.0)  # 8 s over 400 requests
    assert per["postgres"] == pytest.approx(7.5)
    assert per["web_total"] == pytest.approx(30.0)  # gunicorn + PostgreSQL + nginx
    assert per["celery"] == pytest.approx(2.5)  # the worker and its backends
    assert per["worker_boots"] == pytest.approx(5.0)  # one new worker, 2 s, over 400
    assert result["requests_per_core_second"] == pytest.approx(400 / 12)
    # 20 s busy, of which 13 s the stack and 4 s the client: 3 s others over 40 s.
    assert result["other_cores"] == pytest.approx(0.075)
    assert result["client_cores"] == pytest.approx(0.1)
    assert result["worker_rss_mib"] == [150, 160]
    table = cpu_table([result, {**result, "round": 2}])
    assert table[2].startswith(
        "| tiles | 40.5 | 20.00 | 7.50 | 2.50 | 2.50 | 30.00 | 33 | 2 (5.00) | 150–160 / 137–146 |"
    )
    lines = endpoint_table([result])
    assert lines[2:] == [
        "| GET tile z10 | 300 | 30.5 | 12 | 31 | 95 | 0 |",
        "| GET tile z16 | 100 | 10.0 | 40 | 120 | 380 | 2 |",
    ]


def test_a_worker_replaced_during_the_run_keeps_its_cpu_time_in_the_total():
    """gunicorn replaces a worker after max_requests: the kernel adds the exited worker's time
    to the master's cutime/cstime when it is reaped, so the tree's total does not drop."""
    before = {
        1: ProcStat(1, 0, own=1.0, reaped=0.0),
        10: ProcStat(10, 1, own=5.0, reaped=0.0),
        11: ProcStat(11, 1, own=4.0, reaped=0.0),
        99: ProcStat(99, 0, own=50.0, reaped=0.0),  # not in the tree
    }
    after = {
        1: ProcStat(1, 0, own=1.1, reaped=7.0),  # worker 10 exited after 7 s
        11: ProcStat(11, 1, own=6.0, reaped=0.0),
        12: ProcStat(12, 1, own=1.5, reaped=0.0),  # its replacement
        99: ProcStat(99, 0, own=80.0, reaped=0.0),
    }
    assert tree_seconds(1, before) == pytest.approx(10.0)
    assert tree_seconds(1, after) - tree_seconds(1, before) == pytest.approx(0.1 + 2 + 2 + 1.5)
    assert tree_seconds(404, after) == 0.0


def test_the_portal_s_backends_are_told_apart_by_their_process_title():
    pattern = backend_pattern("gis_portal_prod", "gis_portal_prod")
    title = "postgres: 15/main: gis_portal_prod gis_portal_prod 127.0.0.1(45748) idle"
    assert pattern.match(title) and client_port(title) == 45748
    assert pattern.match("postgres: gis_portal_prod gis_portal_prod 127.0.0.1(5) SELECT")
    assert not pattern.match("postgres: 15/main: gis_portal test_gis_load 127.0.0.1(1) idle")
    assert not pattern.match("postgres: 15/main: autovacuum launcher")
