"""Processes of the several-nodes test (tests/deploy/test_multinode.py): an SMTP server in the
test process, deploy/nginx/gis_portal.conf with an upstream of several gunicorns, a supervisor
that starts each daemon in a session of its own and stops them all, and what the test reads
back (which node answered, the database, the daemons' logs)."""

import email
import email.policy
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
import requests
from aiosmtpd.controller import Controller

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Received:
    to: list[str]
    subject: str
    message_id: str


@dataclass
class _Handler:
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                Received(
                    list(envelope.rcpt_tos), str(parsed["Subject"]).strip(), parsed["Message-ID"]
                )
            )
        return "250 OK"


class SmtpSink:
    """A real SMTP server on a free loopback port; what it accepted, in order."""

    def __init__(self):
        # aiosmtpd logs every SMTP command at INFO: hundreds of lines in a failure's report.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port()
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def nginx_render(folder: Path, *, sockets: list[Path], https: int, http: int, cert: Path,
                 key: Path, static: Path, media: Path) -> Path:  # fmt: skip
    """deploy/nginx/gis_portal.conf for this folder and ports, its upstream listing every
    gunicorn (with the shared zone the commented example there names), and each proxied
    response telling which one answered (X-Upstream). Returns the main nginx.conf."""
    snippets = folder / "snippets"
    snippets.mkdir()
    shutil.copy(ROOT / "deploy/nginx/gis_portal-security-headers.conf", snippets)
    text = (ROOT / "deploy/nginx/gis_portal.conf").read_text()
    for old, new in [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("server_name portal.example.org;", "server_name 127.0.0.1;"),
        ("https://$host$request_uri", f"https://$host:{https}$request_uri"),
        ("/etc/letsencrypt/live/portal.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/portal.example.org/privkey.pem", str(key)),
        ("/srv/gis_portal/static_collected/", f"{static}/"),
        ("/var/lib/gis_portal/media/", f"{media}/"),
        ("/var/log/nginx/gis_portal.", f"{folder}/nginx-"),
        ("/etc/nginx/snippets/", f"{snippets}/"),
        ("/var/www/letsencrypt", str(folder / "acme")),
        ("proxy_pass http://gis_portal_app;",
         "proxy_pass http://gis_portal_app;\n        add_header X-Upstream $upstream_addr always;"),
    ]:  # fmt: skip
        assert old in text, f"{old!r} is no longer in deploy/nginx/gis_portal.conf"
        text = text.replace(old, new)
    servers = "".join(f"    server unix:{path};\n" for path in sockets)
    text, found = re.subn(
        r"upstream gis_portal_app \{.*?\n\}",
        lambda _: f"upstream gis_portal_app {{\n    zone gis_portal_app 64k;\n{servers}}}",
        text,
        flags=re.S,
    )
    assert found == 1, "no upstream block in deploy/nginx/gis_portal.conf"
    (folder / "site.conf").write_text(text)
    main = folder / "nginx.conf"
    tmp = folder / "tmp"
    tmp.mkdir()
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
include /etc/nginx/modules-enabled/*.conf;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {folder}/site.conf;
}}
"""
    )
    return main


class Supervisor:
    """Daemons in sessions of their own, output to a log file each; all stopped by stop_all
    (TERM, then KILL for the whole session of any that outlives the grace period)."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs = []

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.out"

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        out = self.log(name).open("ab")
        self._logs.append(out)
        process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """As a node dying: no chance to clean up (a beat keeps its lock until it expires)."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def dead(self) -> dict[str, int]:
        return {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for out in self._logs:
            out.close()


def node_start(supervisor: Supervisor, name: str, socket: Path) -> None:
    """A node: gunicorn with deploy/gunicorn.conf.py on its own socket, a Celery worker (its
    outbox relay on, as settings say) and a beat, as deploy/systemd starts them."""
    folder, bin_dir = supervisor.folder, ROOT / ".venv" / "bin"
    celery = [str(bin_dir / "celery"), "--app", "gis_portal"]
    supervisor.start(f"web-{name}", [
        str(bin_dir / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind",
        f"unix:{socket}", "--pid", str(folder / f"web-{name}.pid"),
        "--access-logfile", str(folder / f"web-{name}-access.log"),
        "--error-logfile", str(folder / f"web-{name}-error.log"),
    ])  # fmt: skip
    supervisor.start(f"worker-{name}", [
        *celery, "worker", "--loglevel", "INFO", "--hostname", f"{name}@%h", "--concurrency", "2",
    ])  # fmt: skip
    supervisor.start(f"beat-{name}", [
        *celery, "beat", "--loglevel", "INFO", "--pidfile", str(folder / f"beat-{name}.pid"),
        "--schedule", str(folder / f"beat-{name}-schedule"),
    ])  # fmt: skip


def nginx_start(supervisor: Supervisor, config: Path) -> None:
    error_log = str(supervisor.folder / "nginx-error.log")
    supervisor.start("nginx", ["nginx", "-c", str(config), "-e", error_log, "-g", "daemon off;"])


@dataclass
class Cluster:
    url: str
    folder: Path
    supervisor: Supervisor
    smtp: SmtpSink
    cert: Path
    dsn: str
    tokens: dict
    timings: dict
    upstreams: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.cert)
        session.hooks["response"].append(self._seen)
        return session

    def _seen(self, response, *args, **kwargs) -> None:
        if response.status_code == 502:  # nginx's own answer: that gunicorn was still starting
            return
        with self.lock:
            self.upstreams[response.headers.get("X-Upstream", "")] += 1

    def node_of(self, response: requests.Response) -> str:
        """Which gunicorn answered: its socket, as nginx names it."""
        return node_named(response.headers["X-Upstream"])

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.dsn) as conn:
            return conn.execute(sql, params).fetchall()

    def log(self, name: str) -> str:
        return self.supervisor.log(name).read_text(errors="replace")

    def logs_tail(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
            for p in sorted(self.folder.glob("*.out")) + sorted(self.folder.glob("*.log"))
        )


def node_named(upstream: str) -> str:
    """The node whose gunicorn socket nginx names in X-Upstream (node_start's web-NAME.sock):
    the last one named, when nginx tried another first (one still starting, say)."""
    return re.findall(r"/web-(\w+)\.sock", upstream)[-1]


def manage(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen, what: str) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{what} failed:\n{err[-3000:]}"
    return out


# Text logs write local time, JSON logs UTC with its offset.
STAMP = re.compile(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.]\d{3}(?:[+-]\d\d:\d\d|Z)?)")


def _log_times(logs, *needles: str) -> list[float]:
    """When the lines holding every needle were written, as UNIX times."""
    times = []
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if all(needle in line for needle in needles):
                stamp = STAMP.search(line)[1].replace(",", ".").replace("T", " ")
                times.append(datetime.fromisoformat(stamp).timestamp())
    return sorted(times)


def task_receptions(cluster: Cluster, task: str) -> list[float]:
    """When the workers received `task`."""
    return _log_times(cluster.folder.glob("worker-*.out"), f"Task {task}[", "received")


def beat_send_times(cluster: Cluster, entry: str) -> list[float]:
    """When any beat sent the schedule entry."""
    return _log_times(cluster.folder.glob("beat-*.out"), f"Sending due task {entry} ")


def beat_sends(cluster: Cluster, n: str, entry: str) -> int:
    return cluster.log(f"beat-{n}").count(f"Sending due task {entry} ")
