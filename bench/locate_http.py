"""GET /api/v1/locate against constant JSON views on the same gunicorn.

    .venv/bin/python bench/locate_http.py [--samples 1000] [--seconds 5] [--rounds 6]

gunicorn runs 2 sync workers with persistent database connections; the load is 4 connections
from wrk (Debian's `wrk`, installed by `scripts/setup.sh --bench`) or, without it, from Python
threads. Runs of the endpoints alternate, so a busy machine slows them alike. CPU per request
is the workers' utime + stime from /proc (and their PostgreSQL backends') over the requests.
Used by bench/locate_bench.py (load) and on its own (main: every figure with its target).
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
ENDPOINTS = {
    "locate": "/api/v1/locate",
    "drf": "/_bench/api",
    "django": "/_bench/json",
}


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mb(pid: int | str = "self") -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _local_ports(pid: int, remote_port: int) -> set[int]:
    """Local ports of the process's TCP sockets connected to remote_port (its database link)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            cols = row.split()
            if cols[9] in inodes and int(cols[2].rsplit(":", 1)[1], 16) == remote_port:
                ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


class Server:
    """gunicorn on a free port with the bench views on; stopped by stop()."""

    def __init__(self, port: int, workers: int = 2):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DEVTOOLS_BENCH_VIEWS": "1",
            "DB_CONN_MAX_AGE": "600",
        }
        self.port = port
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "gis_portal.wsgi",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers = workers

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self) -> None:
        for _ in range(150):
            try:
                urllib.request.urlopen(self.url("/_bench/json"), timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(50):
            if len(_children(self.process.pid)) >= self.workers:
                return
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid)

    def backend_pids(self, cursor, db_port: int) -> list[int]:
        ports = set()
        for pid in self.worker_pids():
            ports |= _local_ports(pid, db_port)
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [sorted(ports)]
        )
        return [row[0] for row in cursor.fetchall()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _wrk_script(queries: list[str], folder: str) -> str:
    path = Path(folder) / "points.lua"
    items = ",\n".join(f'  "{query}"' for query in queries)
    path.write_text(
        f"local queries = {{\n{items}\n}}\nlocal n = #queries\nlocal i = math.random(n)\n"
        "request = function()\n  i = i % n + 1\n"
        '  return wrk.format("GET", wrk.path .. queries[i])\nend\n'
    )
    return str(path)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _wrk(url: str, seconds: float, connections: int, script: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {}
    for q, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        latency[int(q)] = float(value) * _UNITS[unit]
    return {
        "requests": requests,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "p50": latency.get(50, float("nan")),
        "p99": latency.get(99, float("nan")),
    }


def _threads(url: str, seconds: float, connections: int, queries: list[str] | None) -> dict:
    """The same load from Python threads, when wrk is not installed (the client then takes
    a larger share of the 2 cores: compare ratios, not absolute figures)."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    stop = time.perf_counter() + seconds
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run(offset: int) -> None:
        i = offset
        mine: list[float] = []
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        while time.perf_counter() < stop:
            target = path + (queries[i % len(queries)] if queries else "")
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
            except OSError:
                errors[0] += 1
                conn.close()
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            timings.extend(mine)

    workers = [threading.Thread(target=run, args=(n * 997,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    timings.sort()
    pick = lambda q: timings[min(len(timings) - 1, int(q / 100 * len(timings)))]  # noqa: E731
    return {"requests": len(timings), "errors": errors[0], "p50": pick(50), "p99": pick(99)}


def load(
    server: Server,
    cursor,
    db_port: int,
    points: list[tuple[float, float]],
    *,
    seconds: float,
    rounds: int,
    connections: int = 4,
) -> dict[str, dict]:
    """Alternating runs of each endpoint; totals per endpoint."""
    queries = [f"?lat={lat!r}&lon={lon!r}" for lon, lat in points]
    use_wrk = shutil.which("wrk") is not None
    totals = {
        name: {
            "requests": 0,
            "errors": 0,
            "seconds": 0.0,
            "cpu": 0.0,
            "db_cpu": 0.0,
            "p50": [],
            "p99": [],
            "rates": [],
        }
        for name in ENDPOINTS
    }
    for name, path in ENDPOINTS.items():  # warm both workers (the index loads on first use)
        for query in queries[:40]:
            urllib.request.urlopen(server.url(path + (query if name == "locate" else "")))
    with tempfile.TemporaryDirectory() as folder:
        script = _wrk_script(queries, folder) if use_wrk else None
        names = list(ENDPOINTS)
        for number in range(rounds):
            # Each round starts with another endpoint: none always follows the same one.
            for name in names[number % len(names) :] + names[: number % len(names)]:
                path = ENDPOINTS[name]
                workers = server.worker_pids()
                backends = server.backend_pids(cursor, db_port)
                cpu0 = sum(map(_cpu_seconds, workers))
                db0 = sum(map(_cpu_seconds, backends))
                start = time.perf_counter()
                if use_wrk:
                    run = _wrk(
                        server.url(path), seconds, connections, script if name == "locate" else None
                    )
                else:
                    run = _threads(
                        server.url(path),
                        seconds,
                        connections,
                        queries if name == "locate" else None,
                    )
                elapsed = time.perf_counter() - start
                total = totals[name]
                total["requests"] += run["requests"]
                total["errors"] += run["errors"]
                total["seconds"] += elapsed
                total["cpu"] += sum(map(_cpu_seconds, workers)) - cpu0
                total["db_cpu"] += sum(map(_cpu_seconds, backends)) - db0
                total["p50"].append(run["p50"])
                total["p99"].append(run["p99"])
                total["rates"].append(run["requests"] / elapsed)
    for total in totals.values():
        total["client"] = "wrk" if use_wrk else "Python threads"
        total["rss_mb"] = max(rss_mb(pid) for pid in server.worker_pids())
    return totals


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LABELS = {
    "locate": "GET /api/v1/locate",
    "drf": "constant JSON, DRF APIView (/_bench/api)",
    "django": "constant JSON, plain Django (/_bench/json)",
}
TARGET_RATIO = 0.8
TARGET_LOOKUP_MS = 0.5


def _line(label: str, value: str) -> None:
    print(f"  {label:<66} {value}")


def _per_request_ms(total: dict) -> float:
    return (total["cpu"] + total["db_cpu"]) * 1000 / max(total["requests"], 1)


def report(totals: dict[str, dict], *, seconds: float, rounds: int, lookup_ms: float) -> None:
    """Every figure of the HTTP bench with its target; `lookup_ms`: the in-process lookup's
    Python CPU per call (commune_locate)."""
    print(
        f"HTTP, gunicorn 2 sync workers, 4 connections ({totals['locate']['client']}), "
        f"{rounds} interleaved runs of {seconds:g} s per endpoint"
    )
    rate = {}
    for name, total in totals.items():
        rate[name] = total["requests"] / total["seconds"]
        per = 1000 / max(total["requests"], 1)
        _line(
            f"{LABELS[name]}: req/s, p50 / p99 (ms)",
            f"{rate[name]:.0f}, {statistics.median(total['p50']):.2f} / "
            f"{statistics.median(total['p99']):.2f}"
            + (f" ({total['errors']} errors)" if total["errors"] else ""),
        )
        _line(
            f"{LABELS[name]}: CPU per request, worker + PostgreSQL (ms)",
            f"{total['cpu'] * per:.3f} + {total['db_cpu'] * per:.3f}",
        )
    for name in ("drf", "django"):
        # Per round too: neighbouring runs share the machine's load of the moment.
        rounds_ratio = statistics.median(
            a / b for a, b in zip(totals["locate"]["rates"], totals[name]["rates"], strict=True)
        )
        overall = rate["locate"] / rate[name]
        # What the throughput ratio is when the workers' CPU is all that limits them.
        by_cpu = _per_request_ms(totals[name]) / _per_request_ms(totals["locate"])
        _line(
            f"locate / {LABELS[name]}: throughput (target ≥ {TARGET_RATIO:.0%})",
            f"{rounds_ratio:.0%} median of rounds"
            f" — {'met' if rounds_ratio >= TARGET_RATIO else 'NOT met'}"
            f" ({overall:.0%} overall, {by_cpu:.0%} by CPU per request)",
        )
    locate = _per_request_ms(totals["locate"])
    plain = _per_request_ms(totals["django"])
    _line("CPU per locate request, worker + PostgreSQL (ms)", f"{locate:.3f}")
    _line(
        f"CPU per lookup over a plain Django JSON answer (target ≤ {TARGET_LOOKUP_MS} ms)",
        f"{locate - plain:.3f} ms — {'met' if locate - plain <= TARGET_LOOKUP_MS else 'NOT met'}",
    )
    _line(
        f"CPU per lookup in-process, commune_locate (target ≤ {TARGET_LOOKUP_MS} ms)",
        f"{lookup_ms:.3f} ms — {'met' if lookup_ms <= TARGET_LOOKUP_MS else 'NOT met'}",
    )
    _line("RSS of the larger worker after the runs (MB)", f"{totals['locate']['rss_mb']:.0f}")


def lookup_cpu_ms(points: list[tuple[float, float]], repeat: int = 3) -> float:
    """Python CPU per commune_locate call in this process (the index warm), best of `repeat`."""
    from boundaries.selectors import LocateError, commune_locate

    best = float("inf")
    commune_locate(lon=points[0][0], lat=points[0][1])
    for _ in range(repeat):
        start = time.process_time()
        for lon, lat in points:
            with contextlib.suppress(LocateError):
                commune_locate(lon=lon, lat=lat)
        best = min(best, (time.process_time() - start) / len(points) * 1000)
    return best


POINTS_SQL = (
    "SELECT ST_X(g.geom), ST_Y(g.geom) FROM boundaries_adminunit u, "
    "ST_Dump(ST_GeneratePoints(u.geom, %s, 7)) g "
    "WHERE u.level = 'province' AND u.code = '11' AND u.edition_id = "
    "(SELECT id FROM boundaries_edition WHERE slug = '2025')"
)


def bench(samples: int, seconds: float, rounds: int) -> None:
    """Random points in Điện Biên's 2025 outline (slivers included) against the server."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(POINTS_SQL, [samples])
        points = cursor.fetchall()
    lookup_ms = lookup_cpu_ms(points)
    server = Server(free_port(), workers=2)
    try:
        server.wait_ready()
        with connection.cursor() as cursor:
            db_port = int(settings.DATABASES["default"]["PORT"])
            totals = load(server, cursor, db_port, points, seconds=seconds, rounds=rounds)
    finally:
        server.stop()
    report(totals, seconds=seconds, rounds=rounds, lookup_ms=lookup_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5, help="length of one HTTP run")
    parser.add_argument("--rounds", type=int, default=6, help="HTTP runs per endpoint")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")
    import django

    django.setup()
    bench(args.samples, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
