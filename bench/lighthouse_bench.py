"""Lighthouse bench of the public pages (issue 13, goal 5): a phone's first load of `/ban-do/`,
`/` and a public report page, served as production serves them.

Usage (a database with boundaries and reports, e.g. `reports_synthesize --count 20000`):

    DB_NAME=gis_portal_lightmap .venv/bin/python bench/lighthouse_bench.py [--runs 3]
        [--checkout DIR --checkout-label before]

Starts its own stack in a temporary folder: gunicorn with deploy/gunicorn.conf.py (production
settings, 2 workers) behind nginx with deploy/nginx/gis_portal.conf (HTTPS + HTTP/2, gzip and
brotli where the module is installed, hashed static files from collectstatic), rendered for
this machine as scripts/prod.sh renders it. Then runs npm `lighthouse` (bench/lighthouse/,
installed by `scripts/setup.sh --bench`) with Debian's Chromium, mobile preset (simulated slow
4G and 4x CPU slowdown), `--runs` times per page, interleaved, and prints for each page the
median performance score and bytes transferred against the targets (score >= 90, <= 400 KB).

With --checkout, a second code tree (e.g. `git worktree add /tmp/before HEAD`) is served the
same way beside this one, and each run measures both in turn: the printed ratios compare them.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
# The flags of /work/.library/env/machines/python.md: without the background-networking ones,
# Chromium's calls home are refused by this machine's closed network. The certificate is the
# stack's own self-signed one.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--ignore-certificate-errors"
)
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
SCORE_TARGET = 90
BYTES_TARGET = 400 * 1024
# Runs of one page before a trace with no navigation start (NO_NAVSTART) is given up on.
NAVSTART_ATTEMPTS = 3


class Stack:
    """gunicorn + nginx of one code tree, on a free port, everything under one temp folder."""

    def __init__(self, tree: Path, label: str, port: int, db: str):
        self.tree, self.label, self.port, self.db = tree, label, port, db
        self.state = Path(tempfile.mkdtemp(prefix=f"lighthouse-{label}-"))
        self.procs: list[subprocess.Popen] = []
        self.url = f"https://127.0.0.1:{port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="gis_portal.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_STATIC_ROOT=str(self.state / "static"),
            DJANGO_MEDIA_ROOT=str(self.state / "media"),
            DB_NAME=self.db,
            DB_USER=os.environ.get("DB_USER", "gis_portal"),
            DB_PASSWORD=os.environ.get("DB_PASSWORD", "gis_portal"),
            DB_HOST=os.environ.get("DB_HOST", "127.0.0.1"),
            # Redis databases no other stack of this machine uses by default.
            REDIS_URL="redis://127.0.0.1:6379/8",
            CACHE_REDIS_URL="redis://127.0.0.1:6379/9",
            CACHE_KEY_PREFIX=f"lighthouse_{self.label}",
            GUNICORN_WORKERS="2",
            LOG_FORMAT="text",
            PYTHONPATH=str(self.tree),
        )
        return env

    def start(self) -> None:
        (self.state / "log").mkdir()
        (self.state / "media").mkdir()
        env = self.env()
        manage = [str(ROOT / ".venv/bin/python"), "manage.py"]
        unapplied = subprocess.run(
            [*manage, "migrate", "--check"], cwd=self.tree, env=env, capture_output=True
        )
        if unapplied.returncode != 0:
            sys.exit(
                f"lighthouse_bench: {self.db} lacks migrations of {self.tree}: "
                f"DB_NAME={self.db} .venv/bin/python manage.py migrate"
            )
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v", "0"],
            cwd=self.tree,
            env=env,
            check=True,
        )
        tls = self.state / "tls"
        tls.mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(tls / "key.pem"),
                "-out",
                str(tls / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        self.render_nginx()
        self.procs.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "--config",
                    str(self.tree / "deploy/gunicorn.conf.py"),
                    "--bind",
                    f"unix:{self.state}/gunicorn.sock",
                    "--access-logfile",
                    str(self.state / "log/gunicorn-access.log"),
                    "--error-logfile",
                    str(self.state / "log/gunicorn-error.log"),
                ],
                cwd=self.tree,
                env=env,
                start_new_session=True,
            )
        )
        self.procs.append(
            subprocess.Popen(
                [
                    "nginx",
                    "-e",
                    str(self.state / "log/nginx-error.log"),
                    "-c",
                    str(self.state / "nginx/nginx.conf"),
                    "-g",
                    "daemon off;",
                ],
                start_new_session=True,
            )
        )
        self.wait_healthy()

    def render_nginx(self) -> None:
        """deploy/nginx/gis_portal.conf with this stack's paths and port (as scripts/prod.sh)."""
        nginx, state = self.state / "nginx", self.state
        (nginx / "snippets").mkdir(parents=True)
        (nginx / "tmp").mkdir()
        shutil.copy(self.tree / "deploy/nginx/gis_portal-security-headers.conf", nginx / "snippets")
        if BROTLI_MODULE.exists():
            shutil.copy(self.tree / "deploy/nginx/gis_portal-brotli.conf", nginx / "snippets")
        text = (self.tree / "deploy/nginx/gis_portal.conf").read_text()
        for old, new in [
            ("    listen [::]:80;\n", ""),
            ("    listen [::]:443 ssl http2;\n", ""),
            ("listen 80;", f"listen 127.0.0.1:{self.port + 1};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.port} ssl http2;"),
            ("server_name portal.example.org;", "server_name localhost 127.0.0.1;"),
            ("/etc/letsencrypt/live/portal.example.org/fullchain.pem", f"{state}/tls/cert.pem"),
            ("/etc/letsencrypt/live/portal.example.org/privkey.pem", f"{state}/tls/key.pem"),
            ("/run/gis_portal/", f"{state}/"),
            ("/srv/gis_portal/static_collected/", f"{state}/static/"),
            ("/var/lib/gis_portal/media/", f"{state}/media/"),
            ("/var/log/nginx/gis_portal.", f"{state}/log/nginx-"),
            ("/etc/nginx/snippets/", f"{nginx}/snippets/"),
            ("/var/www/letsencrypt", f"{state}/acme"),
        ]:
            if old not in text:
                sys.exit(f"lighthouse_bench: {old!r} is no longer in gis_portal.conf")
            text = text.replace(old, new)
        (nginx / "gis_portal.conf").write_text(text)
        user = "user root;" if os.getuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {nginx}/tmp/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (nginx / "nginx.conf").write_text(
            f"{user}\nworker_processes 1;\npid {state}/nginx.pid;\n"
            "include /etc/nginx/modules-enabled/*.conf;\n"
            "events { worker_connections 256; }\n"
            "http {\n    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    sendfile on;\n    server_tokens off;\n{temp}\n"
            f"    include {nginx}/gis_portal.conf;\n}}\n"
        )

    def get(self, path: str) -> bytes:
        context = ssl.create_default_context(cafile=str(self.state / "tls/cert.pem"))
        with urllib.request.urlopen(self.url + path, context=context, timeout=30) as response:
            return response.read()

    def wait_healthy(self) -> None:
        for _ in range(120):
            try:
                self.get("/healthz")
                return
            except OSError:
                if any(p.poll() is not None for p in self.procs):
                    break
                time.sleep(0.5)
        self.stop()
        sys.exit(f"lighthouse_bench: the {self.label} stack did not start ({self.state}/log)")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.state, ignore_errors=True)

    def report_path(self) -> str:
        """A published report, as the public map lists it (the access policy chose it)."""
        data = json.loads(self.get("/api/v1/maps/public/reports/?page_size=1"))
        if not data["features"]:
            sys.exit("lighthouse_bench: no public report in the database")
        return "/phan-anh/" + data["features"][0]["properties"]["reference"] + "/"


def calibrated_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that makes this host a mid-range phone, by Lighthouse's own calculator
    (docs/throttling.md, "CPU throttling"; patrickhulce/lighthouse-cpu-throttling-calculator):
    the mobile preset's 4x assumes a desktop scoring ~1500, and a busy 2-core machine scores
    a third of that, so 4x on it is a phone far slower than the preset's."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def run_lighthouse(url: str, out: Path, extra: list[str]) -> subprocess.CompletedProcess:
    # Above the other processes of this shared machine: their load is not the page's work.
    return subprocess.run(
        [
            "nice",
            "-n",
            "-10",
            "node",
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={CHROME_FLAGS}",
            *extra,
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )


def lighthouse(url: str, out: Path, cpu: float | None = None) -> dict:
    extra = [f"--throttling.cpuSlowdownMultiplier={cpu:.2f}"] if cpu else []
    for _attempt in range(NAVSTART_ATTEMPTS):
        done = run_lighthouse(url, out, extra)
        # Chromium now and then records a trace without its navigation start (NO_NAVSTART): a
        # flaw of that one recording, not of the page, so the run is made again.
        if done.returncode == 0 or "NO_NAVSTART" not in done.stderr:
            break
    if done.returncode != 0 or not out.exists():
        sys.exit(f"lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    metric = lambda name: audits[name].get("numericValue") or 0  # noqa: E731
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "bytes": int(metric("total-byte-weight")),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "fcp": metric("first-contentful-paint"),
        "lcp": metric("largest-contentful-paint"),
        "tbt": metric("total-blocking-time"),
        "cls": audits["cumulative-layout-shift"].get("numericValue") or 0,
        "si": metric("speed-index"),
        "index": report["environment"]["benchmarkIndex"],
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median score (its own figures, not a mix of several runs)."""
    ordered = sorted(runs, key=lambda r: (r["score"], -r["bytes"]))
    return ordered[(len(ordered) - 1) // 2]


def line(page: str, label: str, r: dict, other: dict | None) -> str:
    ok = r["score"] >= SCORE_TARGET and r["bytes"] <= BYTES_TARGET
    text = (
        f"{page:<28} {label:<7} {r['mode']:<22} performance {r['score']:>3} "
        f"(target >= {SCORE_TARGET})  transferred {r['bytes'] / 1024:6.1f} KB "
        f"(target <= {BYTES_TARGET // 1024} KB)  {r['requests']:>2} requests  "
        f"FCP {r['fcp'] / 1000:.1f} s  LCP {r['lcp'] / 1000:.1f} s  TBT {r['tbt']:.0f} ms  "
        f"CLS {r['cls']:.3f}  SI {r['si'] / 1000:.1f} s  benchmarkIndex {r['index']:.0f}"
    )
    if other:
        text += (
            f"  | vs {other['label']}: bytes x{r['bytes'] / max(other['bytes'], 1):.2f}, "
            f"TBT x{r['tbt'] / max(other['tbt'], 1):.2f}, score {r['score'] - other['score']:+d}"
        )
    return text + ("  OK" if ok else "  MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and tree")
    parser.add_argument("--port", type=int, default=8643)
    parser.add_argument("--db", default=os.environ.get("DB_NAME", "gis_portal"))
    parser.add_argument("--checkout", type=Path, help="another code tree to serve beside this one")
    parser.add_argument("--checkout-label", default="before")
    parser.add_argument("--pages", nargs="*", help="paths (default: /ban-do/, / and a report)")
    parser.add_argument(
        "--no-calibrated",
        action="store_true",
        help="only the mobile preset, not also with the CPU slowdown calibrated to this host",
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is not installed: bash scripts/setup.sh --bench")

    stacks = [Stack(ROOT, "now", args.port, args.db)]
    if args.checkout:
        before = Stack(args.checkout.resolve(), args.checkout_label, args.port + 2, args.db)
        stacks.insert(0, before)
    modes = ["mobile preset"] if args.no_calibrated else ["mobile preset", "calibrated"]
    results: dict[tuple[str, str, str], list[dict]] = {}
    try:
        for stack in stacks:
            print(f"starting the {stack.label} stack ({stack.tree}) on {stack.url}", flush=True)
            stack.start()
        pages = args.pages or ["/ban-do/", "/", stacks[-1].report_path()]
        out = ROOT / "var" / "lighthouse"  # the last run's reports, for a closer look
        out.mkdir(parents=True, exist_ok=True)
        for run in range(args.runs):
            for page in pages:
                for stack in stacks:  # interleaved: both trees see the same machine load
                    name = page.strip("/").replace("/", "_") or "home"
                    r = lighthouse(stack.url + page, out / f"{stack.label}-{name}-{run + 1}.json")
                    runs = [{**r, "mode": "mobile preset"}]
                    if not args.no_calibrated:
                        cpu = calibrated_multiplier(r["index"])
                        c = lighthouse(
                            stack.url + page, out / f"{stack.label}-{name}-{run + 1}-cal.json", cpu
                        )
                        runs.append({**c, "mode": f"calibrated (cpu x{cpu:.1f})"})
                    for mode, item in zip(modes, runs, strict=True):
                        results.setdefault((page, stack.label, mode), []).append(item)
                        print(
                            f"  run {run + 1} {stack.label:<7} {page:<28} {item['mode']:<22} "
                            f"score {item['score']:>3} {item['bytes'] / 1024:7.1f} KB "
                            f"TBT {item['tbt']:.0f} ms",
                            flush=True,
                        )
    finally:
        for stack in stacks:
            stack.stop()

    version = json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text())["version"]
    calibrated = (
        ""
        if args.no_calibrated
        else (" and the same with the CPU slowdown calibrated to this host's benchmarkIndex")
    )
    print(
        f"\nLighthouse {version}, mobile preset (slow 4G, 4x CPU){calibrated}; "
        f"median of {args.runs} run(s):"
    )
    for page in pages:
        for mode in modes:
            medians = {
                s.label: {**median_run(results[(page, s.label, mode)]), "label": s.label}
                for s in stacks
            }
            for stack in stacks:
                other = medians[stacks[0].label] if stack is not stacks[0] else None
                print(line(page, stack.label, medians[stack.label], other))


if __name__ == "__main__":
    main()
