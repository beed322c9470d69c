"""Load on the production stack (issue 12 §5): locust, headless, against `make prod`.

    .venv/bin/python bench/load_bench.py [--scenarios locate,tiles] [--duration 40] [--users 8]
        [--spawn-rate 8] [--rounds 1] [--reports 50000] [--restart] [--keep-reports]
    (or `make bench-load BENCH_ARGS="..."`)

1. Starts the stack of `make prod` (scripts/prod.sh) unless it runs, with the public GeoJSON
   list's per-address limit raised (every simulated visitor comes from 127.0.0.1 here, where
   real ones come from as many addresses) and the periodic rebuilds kept out of the scenarios.
   A stack already running without those is used as it is unless --restart.
2. Fills its database with synthetic reports (manage.py reports_synthesize, tag "load"), once,
   and refreshes the map's cell cache; makes the load accounts (bench/load_setup.py).
3. Runs each scenario of bench/load_plan.py for --duration seconds (rounds interleave them)
   and prints per endpoint: requests, req/s, p50/p95/p99 (ms), failures; per scenario the CPU
   time per request of gunicorn, the PostgreSQL backends serving it, nginx and the Celery
   worker with its backends, counted until the worker is idle again (bench/load_probe.py),
   and the RSS of each gunicorn worker. Each scenario starts on an idle stack.
4. Removes the reports the intake scenario filed, writes everything to var/load/*.json and
   stops the stack if it started it.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from django_otp.oath import totp  # noqa: E402

from bench.load_plan import SCENARIO_NAMES, SCENARIOS, path_of  # noqa: E402
from bench.load_probe import Probe, backend_pattern, cmdline, settle  # noqa: E402
from bench.load_report import (  # noqa: E402
    cpu_table,
    endpoint_table,
    fmt,
    parse_failures,
    parse_stats,
    summarize,
)

STATE = Path(os.environ.get("PROD_STATE_DIR", ROOT / "var" / "prod"))
BIND = os.environ.get("PROD_BIND", "127.0.0.1")
HOST = f"https://{BIND}:{os.environ.get('PROD_HTTPS_PORT', '8443')}"
OUT = ROOT / "var" / "load"
DAEMONS = ("gunicorn", "worker", "beat", "nginx")
LOAD_ENV = {
    # Many visitors behind one address: the limit meant for one client would stop the run.
    "THROTTLE_MAPS_GEOJSON_RATE": "1000000/minute",
    # The periodic rebuilds (statistics every 5 min, map cells every 10 min, trusted 15 min)
    # run once at the start, not in the middle of a scenario, whose figures they would swell.
    "STATS_SNAPSHOT_SECONDS": "7200",
    "MAPS_CELLS_REFRESH_SECONDS": "7200",
    "MAPS_CELL_CACHE_MAX_AGE": "10800",
}
SYNTHETIC_TAG = "load"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def stack_env(extra: dict | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return {**env, **(extra or {})}


def daemon_pid(name: str) -> int | None:
    """The daemon's pid if its pid file names a live process of this stack."""
    try:
        pid = int((STATE / "run" / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None
    return pid if f"{STATE}/" in cmdline(pid) else None


def stack_running() -> bool:
    return all(daemon_pid(name) for name in DAEMONS)


def stack_has_load_env() -> bool:
    try:
        environ = (Path("/proc") / str(daemon_pid("gunicorn")) / "environ").read_bytes()
    except OSError:
        return False
    return all(f"{k}={v}".encode() in environ.split(b"\0") for k, v in LOAD_ENV.items())


def prod(action: str, extra: dict | None = None) -> None:
    subprocess.run(["bash", "scripts/prod.sh", action], cwd=ROOT, env=stack_env(extra), check=True)


def manage(*args: str) -> str:
    done = subprocess.run(
        ["bash", "scripts/prod.sh", "manage", *args],
        cwd=ROOT,
        env=stack_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def shell_result(code: str) -> dict:
    out = manage("shell", "-c", code)
    return json.loads(next(x for x in out.splitlines() if x.startswith("RESULT "))[7:])


def env_file() -> dict[str, str]:
    values = {}
    for line in (STATE / "env").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def ensure_stack(restart: bool) -> bool:
    """Start (or with --restart, restart) the stack; True if this run started it."""
    if stack_running() and stack_has_load_env():
        print("Using the running stack (started with the load run's settings).")
        return False
    if stack_running() and not restart:
        print(
            "Using the running stack, started without the load run's settings: the public GeoJSON"
            " list keeps its per-address limit (429s below), periodic rebuilds may fall in a"
            " scenario. --restart restarts it for the run."
        )
        return False
    print("Starting the production stack (scripts/prod.sh start)…", flush=True)
    prod("start", LOAD_ENV)
    return True


def seed(reports: int) -> int:
    dry = manage("reports_synthesize", "--tag", SYNTHETIC_TAG, "--count", str(reports), "--dry-run")
    held = int(dry.split(" holds ")[1].split()[0])
    if held != reports:
        print(f"Writing {reports:,} synthetic reports (tag {SYNTHETIC_TAG})…", flush=True)
        manage("reports_synthesize", "--tag", SYNTHETIC_TAG, "--count", str(reports))
    manage("maps_cells_refresh")
    return reports


def _form_token(response: requests.Response) -> str:
    found = CSRF_FIELD.search(response.text)
    return found.group(1) if found else ""


def ioc_sign_in(account: dict) -> dict[str, str]:
    """Sign in on the web as an IOC operator does: password, then the code of the account's
    authenticator (computed with django-otp from its key); returns the verified session's
    cookies. Once per account and run: a code is accepted once per device and time step."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(STATE / "tls" / "cert.pem")
    login, verify, inbox = (HOST + path_of(k) for k in ("login", "verify", "inbox-web"))
    page = session.get(login, params={"next": path_of("inbox-web")}, timeout=30)
    form = {"username": account["username"], "password": account["password"]}
    form |= {"next": path_of("inbox-web"), "csrfmiddlewaretoken": _form_token(page)}
    # Redirected to the code page by the two-factor middleware.
    page = session.post(login, data=form, headers={"Referer": login}, timeout=30)
    code = totp(bytes.fromhex(account["key"]), step=account["step"], digits=account["digits"])
    form = {"otp": str(code).zfill(account["digits"]), "next": path_of("inbox-web")}
    form["csrfmiddlewaretoken"] = _form_token(page)
    done = session.post(
        verify, data=form, headers={"Referer": verify}, allow_redirects=False, timeout=30
    )
    check = session.get(inbox, allow_redirects=False, timeout=30)
    if done.status_code != 302 or check.status_code != 200:
        sys.exit(
            f"{account['username']} could not sign in ({done.status_code}, {check.status_code})"
        )
    return dict(session.cookies)


def prepare(args) -> Path:
    setup = shell_result(
        "from bench.load_setup import setup_print; "
        f"setup_print(citizens={args.users}, iocs={args.users}, points=2000)"
    )
    setup["sessions"] = [ioc_sign_in(account) for account in setup["iocs"]]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "setup.json"
    # It holds the load accounts' tokens, passwords and TOTP keys.
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps(setup))
    print(
        f"Reports in the database: {setup['reports']:,}; IOC operators notified of each new one:"
        f" {setup['ioc_operators']}; load accounts ready ({path})."
    )
    args.setup_facts = {k: setup[k] for k in ("reports", "ioc_operators")}
    return path


def run_locust(scenario, args, setup: Path, prefix: Path) -> tuple[float, float]:
    """Run one scenario; returns (wall seconds, locust's own CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with (prefix.parent / f"{prefix.name}.log").open("w") as log:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.duration}s",
                "--stop-timeout",
                "10",
                "--host",
                HOST,
                "--csv",
                str(prefix),
                scenario.user_class,
            ],
            cwd=ROOT,
            env={**stack_env(), "LOAD_SETUP": str(setup)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.monotonic() - started, cpu


BOOT_CODE = """
import resource
from gis_portal.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
usage = resource.getrusage(resource.RUSAGE_SELF)
print("BOOT", usage.ru_utime + usage.ru_stime)
"""


def worker_boot_seconds() -> float:
    """CPU time to load the application once, as each new gunicorn worker does (the median
    of three; a little more than a worker's, whose interpreter the master started)."""
    env = stack_env(env_file())
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", BOOT_CODE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append(float(next(x for x in out.splitlines() if x.startswith("BOOT "))[5:]))
    return sorted(runs)[1]


def measure(scenario, args, setup: Path, prefix: Path, boot: float) -> dict:
    env = env_file()
    pids = {name: daemon_pid(name) for name in DAEMONS}
    probe = Probe(
        masters=pids,
        backend=backend_pattern(env["DB_USER"], env["DB_NAME"]),
        worker_master=pids["gunicorn"],
    )
    waited = settle([pids["gunicorn"], pids["worker"]], probe.backend)
    if waited > 5:
        print(f"    (waited {waited:.0f} s for the stack to be idle)", flush=True)
    load_before = os.getloadavg()[0]
    probe.start()
    wall, locust_cpu = run_locust(scenario, args, setup, prefix)
    # The worker's share of the requests (notifications of the reports filed) comes after.
    settle([pids["gunicorn"], pids["worker"]], probe.backend)
    probe.stop()
    rows = parse_stats(Path(f"{prefix}_stats.csv").read_text())
    failures = parse_failures(Path(f"{prefix}_failures.csv").read_text())
    result = probe.result()
    return summarize(scenario.name, rows, failures, result, locust_cpu, load_before, boot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIO_NAMES))
    parser.add_argument("--duration", type=int, default=40, help="seconds per scenario")
    parser.add_argument("--users", type=int, default=8, help="simulated clients at once")
    parser.add_argument("--spawn-rate", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="repeat all scenarios, interleaved")
    parser.add_argument("--reports", type=int, default=50_000, help="synthetic reports to hold")
    parser.add_argument("--restart", action="store_true", help="restart a running stack")
    parser.add_argument("--keep-reports", action="store_true", help="keep the intake's reports")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if s.name in args.scenarios.split(",")]
    if not chosen:
        sys.exit(f"--scenarios: choose among {', '.join(SCENARIO_NAMES)}")

    started_here = ensure_stack(args.restart)
    try:
        seed(args.reports)
        setup = prepare(args)
        boot = worker_boot_seconds()
        print(f"Loading the application (a new gunicorn worker) costs {boot:.2f} s of CPU.")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (OUT / stamp).mkdir(parents=True, exist_ok=True)
        results = []
        for number in range(1, args.rounds + 1):
            for scenario in chosen:
                print(f"[round {number}] {scenario.name}: {scenario.what}…", flush=True)
                prefix = OUT / stamp / f"{scenario.name}-{number}"
                result = measure(scenario, args, setup, prefix, boot)
                result["round"] = number
                results.append(result)
                for failure in result["failures"][:3]:
                    print(f"    {failure}")
        if not args.keep_reports:
            removed = shell_result("from bench.load_setup import cleanup_print; cleanup_print()")
            print(
                f"Removed the intake's reports ({removed['rows']} rows, {removed['files']} files)."
            )
    finally:
        if started_here:
            prod("stop")
    loads = ", ".join(fmt(r["load_average_before"], 2) for r in results)
    conditions = (
        f"{os.cpu_count()} cores, {args.users} users (no think time), spawn rate "
        f"{args.spawn_rate}/s, {args.duration} s per scenario, {args.rounds} round(s); "
        f"{args.setup_facts['reports']:,} reports in the database, "
        f"{args.setup_facts['ioc_operators']} IOC operators notified of each new one; "
        f"load average before each scenario: {loads}"
    )
    caption = "CPU milliseconds per request (gunicorn … web total), medians of the rounds:"
    tables = [*endpoint_table(results), "", caption, *cpu_table(results), "", conditions]
    print("\n" + "\n".join(tables))
    path = OUT / f"results-{stamp}.json"
    summary = {"conditions": conditions, "worker_boot_seconds": boot, **args.setup_facts}
    summary["results"] = results
    path.write_text(json.dumps(summary, indent=1))
    print(f"\nEverything: {path}")


if __name__ == "__main__":
    main()
