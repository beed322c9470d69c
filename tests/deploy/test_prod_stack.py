"""`make prod` runs the stack of deploy/ as a server runs it (nginx, gunicorn, a Celery worker and
beat) and `make prod-stop` ends it: HTTPS with the security headers, HTTP redirected, hashed
static files kept a year, photos sent by nginx only after the access policy said yes, a report
filed through HTTPS and relayed by the worker, and `check --deploy` clean with its env file.

One stack for the module (starting it is most of the time); the last test stops it."""

import io
import json
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from PIL import Image

from tests.reports.worker_support import wait_for

pytestmark = pytest.mark.prod_stack

ROOT = Path(settings.BASE_DIR)
STATE = Path(os.environ.get("PROD_STATE_DIR", ROOT / "var" / "prod"))
HOST = os.environ.get("PROD_BIND", "127.0.0.1")
HTTPS_PORT = int(os.environ.get("PROD_HTTPS_PORT", "8443"))
HTTP_PORT = int(os.environ.get("PROD_HTTP_PORT", "8080"))
HTTPS = f"https://{HOST}:{HTTPS_PORT}"
HTTP = f"http://{HOST}:{HTTP_PORT}"
CERT = STATE / "tls" / "cert.pem"
PASSWORD = "Muong-Thanh-1954"
# Phường Điện Biên Phủ: routed to its ward UBND by data/routing.
DBP = (103.0578, 21.4156)
# drf-spectacular's checks are about the OpenAPI document, not deployment (tests/test_security).
SCHEMA_CHECKS = {"drf_spectacular.W001", "drf_spectacular.W002"}


def stack_env() -> dict[str, str]:
    """The caller's environment, without the test run's own settings module."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


def make(target: str, log: Path, timeout: int) -> None:
    # Output to a file, not a pipe: the daemons started must not hold the test's pipe open.
    with log.open("ab") as out:
        done = subprocess.run(
            ["make", "--no-print-directory", target],
            cwd=ROOT,
            env=stack_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if done.returncode != 0:
        pytest.fail(f"make {target} failed:\n{log.read_text()[-4000:]}")


def manage(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    """manage.py with the stack's env file (its database, secrets and production settings)."""
    return subprocess.run(
        ["bash", "scripts/prod.sh", "manage", *args],
        cwd=ROOT,
        env=stack_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def shell(code: str) -> dict:
    done = manage("shell", "-c", code)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def process_tree(pids: set[int]) -> set[int]:
    """The pids and all their descendants, from /proc."""
    children: dict[int, set[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    tree, todo = set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo.extend(children.get(pid, ()))
    return tree


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((HOST, port)) == 0


USERS = """
import json
from reports.models import Role, User
for username, role in [({citizen!r}, Role.CITIZEN), ({ioc!r}, Role.IOC_OPERATOR)]:
    User.objects.create_user(
        username=username, password={password!r}, role=role,
        full_name="Lò Văn Thử", phone="0912345678",
    )
print("RESULT " + json.dumps({{"ok": True}}))
"""

# The worker relays the outbox (the IOC's notification of the new report), then the IOC
# assigns it, which publishes it and its photo.
PUBLISH = """
import json, time
from reports.models import Notification, Report, User
from reports.routing import suggest_agency
from reports.services import workflow
report = Report.objects.get(reference={reference!r})
ioc = User.objects.get(username={ioc!r})
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    relayed = Notification.objects.filter(user=ioc, report=report).exists()
    if relayed:
        break
    time.sleep(0.5)
workflow.report_assign(actor=ioc, report=report, agency=suggest_agency(report).agency)
print("RESULT " + json.dumps({{"relayed": relayed}}))
"""


class Stack:
    def __init__(self, log: Path):
        self.log = log
        self.pids = self.processes()
        self.citizen = f"smoke-{uuid.uuid4().hex[:8]}"
        self.ioc = f"smoke-ioc-{uuid.uuid4().hex[:8]}"
        self.report: dict = {}
        self.web_session: requests.Session | None = None

    @staticmethod
    def processes() -> set[int]:
        """The daemons of the pid files and every process they started."""
        missing = [name for name in PIDS if not (STATE / "run" / f"{name}.pid").exists()]
        if missing:
            logs = {path.name: path.read_text()[-3000:] for path in (STATE / "log").glob("*.log")}
            pytest.fail(f"no pid file of {missing} (stopped?); the logs end: {logs}")
        return process_tree({int((STATE / "run" / f"{name}.pid").read_text()) for name in PIDS})

    @staticmethod
    def session() -> requests.Session:
        session = requests.Session()
        # The generated certificate is the only trust anchor; no proxy or CA bundle from the
        # environment (REQUESTS_CA_BUNDLE would override `verify`) comes between.
        session.trust_env = False
        session.verify = str(CERT)
        return session


PIDS = ("nginx", "gunicorn", "worker", "beat")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    log = tmp_path_factory.mktemp("prod") / "make.log"
    started = time.monotonic()
    # The first run installs nginx and loads the boundaries into the stack's own database.
    make("prod", log, timeout=1200)
    stack = Stack(log)
    stack.start_seconds = time.monotonic() - started
    shell(USERS.format(citizen=stack.citizen, ioc=stack.ioc, password=PASSWORD))
    yield stack
    if any(alive(pid) for pid in stack.pids):
        make("prod-stop", log, timeout=120)


def test_make_prod_starts_every_process(stack):
    stack.pids = stack.processes()
    assert all(alive(pid) for pid in stack.pids)
    # nginx's, gunicorn's and the Celery worker's two workers each came with their masters.
    assert len(stack.pids) >= len(PIDS) + 6


def test_healthz_answers_over_https_and_plain_http(stack):
    for url in (HTTPS + "/healthz", HTTP + "/healthz"):
        response = stack.session().get(url, allow_redirects=False, timeout=10)
        assert response.status_code == 200, url
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
        assert "no-store" in response.headers["Cache-Control"]


def test_nginx_s_request_id_is_sent_back_and_in_gunicorn_s_json_access_log(stack):
    session = stack.session()
    # A client's own id is replaced by nginx's $request_id (32 hex digits).
    response = session.get(HTTPS + "/healthz", headers={"X-Request-ID": "chosen"}, timeout=10)
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    access = STATE / "log" / "gunicorn-access.log"

    def logged():
        return [json.loads(x) for x in access.read_text().splitlines() if request_id in x]

    # gunicorn writes the access line after it has sent the response, so it may come later.
    wait_for(logged, timeout=10)
    assert [(x["path"], x["status"]) for x in logged()] == [("/healthz", 200)]
    # /metrics sums gunicorn's workers (prometheus_client's multiprocess mode).
    metrics = session.get(HTTPS + "/metrics", timeout=10).text
    assert (
        'portal_http_request_duration_seconds_count{method="GET",status="2xx",view="healthz"}'
        in metrics
    )


def test_http_redirects_to_https(stack):
    response = stack.session().get(HTTP + "/ban-do/?q=1", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == HTTPS + "/ban-do/?q=1"


def test_pages_carry_the_security_headers_and_secure_cookies(stack):
    response = stack.session().get(HTTPS + "/dang-nhap/", timeout=10)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Server"] == "nginx"  # no version
    cookies = response.raw.headers.getlist("Set-Cookie")
    assert [c for c in cookies if c.startswith("csrftoken=")]
    assert all("; Secure" in c for c in cookies), cookies


def test_signing_in_over_https_sets_a_secure_http_only_session(stack):
    session = stack.session()
    page = session.get(HTTPS + "/dang-nhap/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = session.post(
        HTTPS + "/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "username": stack.citizen, "password": PASSWORD},
        headers={"Referer": HTTPS + "/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    session_cookie = next(
        c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith("sessionid=")
    )
    assert "; Secure" in session_cookie and "; HttpOnly" in session_cookie
    stack.web_session = session


def test_an_unknown_host_gets_400(stack):
    response = stack.session().get(HTTPS + "/", headers={"Host": "evil.example"}, timeout=10)
    assert response.status_code == 400


def test_hashed_static_files_are_kept_a_year_and_compressed(stack):
    session = stack.session()
    page = session.get(HTTPS + "/ban-do/", timeout=10).text
    hashed = re.findall(r'/static/[^"]+\.[0-9a-f]{12}\.(?:js|css)', page)
    assert hashed, "pages must name the hashed files"
    for path in hashed:
        response = session.get(HTTPS + path, headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    css = next(p for p in hashed if p.endswith(".css"))
    gzipped = session.get(HTTPS + css, headers={"Accept-Encoding": "gzip"}, stream=True)
    assert gzipped.headers["Content-Encoding"] == "gzip"
    if (STATE / "nginx" / "snippets" / "gis_portal-brotli.conf").exists():
        brotli = session.get(HTTPS + css, headers={"Accept-Encoding": "br"}, stream=True)
        assert brotli.headers["Content-Encoding"] == "br"
    # An unhashed name may change with the next deploy: an hour only.
    plain = session.get(HTTPS + "/static/css/portal.css", timeout=10)
    assert plain.headers["Cache-Control"] == "public, max-age=3600"


def test_es_modules_import_each_other_by_hashed_name(stack):
    manifest = json.loads((STATE / "static" / "staticfiles.json").read_text())["paths"]
    core = stack.session().get(HTTPS + "/static/" + manifest["mapcore/core.js"], timeout=10)
    assert f'from "./{Path(manifest["mapcore/dom.js"]).name}"' in core.text


def test_geojson_is_compressed(stack):
    response = stack.session().get(
        HTTPS + "/api/v1/boundaries/", headers={"Accept-Encoding": "gzip"}, timeout=30
    )
    assert response.status_code == 200
    assert response.json()["type"] == "FeatureCollection"
    assert response.headers["Content-Encoding"] == "gzip"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_report_with_a_photo_is_filed_through_https(stack):
    session = stack.session()
    login = session.post(
        HTTPS + "/api/v1/auth/token/",
        data={"username": stack.citizen, "password": PASSWORD},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    response = session.post(
        HTTPS + "/api/v1/reports/",
        headers={"Authorization": "Token " + login.json()["token"]},
        data={
            "category": "ve-sinh-moi-truong",
            "title": "Rác thải ven đường (kiểm thử triển khai)",
            "description": "Gửi qua HTTPS qua nginx và gunicorn.",
            "lon": DBP[0],
            "lat": DBP[1],
            "full_name": "Lò Văn Thử",
            "phone": "0912345678",
        },
        files={"media": ("rac.jpg", jpeg(), "image/jpeg")},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    # Links are built from the forwarded scheme and host (port included).
    detail_url = response.json()["links"]["self"]
    assert detail_url.startswith(HTTPS + "/api/v1/reports/")
    detail = session.get(
        detail_url, headers={"Authorization": "Token " + login.json()["token"]}, timeout=10
    )
    assert detail.status_code == 200, detail.text
    stack.report = detail.json()
    assert stack.report["media"][0]["url"].startswith(HTTPS + "/media/")


def test_the_photo_of_an_unpublished_report_is_refused(stack):
    url = stack.report["media"][0]["url"]
    anonymous = stack.session().get(url, timeout=10)
    assert anonymous.status_code == 404
    assert "X-Accel-Redirect" not in anonymous.headers
    # Its reporter sees it, sent by nginx.
    mine = stack.web_session.get(url, timeout=10)
    assert mine.status_code == 200
    assert mine.content[:2] == b"\xff\xd8"


def test_the_worker_relays_and_a_published_photo_is_served_by_nginx(stack):
    result = shell(PUBLISH.format(reference=stack.report["reference"], ioc=stack.ioc))
    assert result["relayed"], "the worker did not relay the outbox within 30 s"
    response = stack.session().get(stack.report["media"][0]["url"], timeout=10)
    assert response.status_code == 200
    assert response.content[:2] == b"\xff\xd8"
    assert int(response.headers["Content-Length"]) == len(response.content) > 0
    assert response.headers["Content-Type"] == "image/jpeg"
    # nginx took the file from the internal location: the hand-over header never leaves it.
    assert "X-Accel-Redirect" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The internal location itself is not reachable from outside.
    name = stack.report["media"][0]["url"].split("/media/", 1)[1]
    direct = stack.session().get(HTTPS + "/protected-media/" + name, timeout=10)
    assert direct.status_code == 404


def test_check_deploy_is_clean_with_the_generated_env(stack):
    done = manage("check", "--deploy", "--fail-level", "WARNING")
    issues = set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", done.stdout + done.stderr))
    assert issues <= SCHEMA_CHECKS, done.stdout + done.stderr


def test_make_prod_stop_ends_every_process(stack):
    stack.pids |= stack.processes()
    make("prod-stop", stack.log, timeout=120)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in stack.pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in stack.pids if alive(pid)] == []
    assert not port_open(HTTPS_PORT) and not port_open(HTTP_PORT)
    assert not list((STATE / "run").glob("*.pid"))
