"""The files of deploy/ agree with each other and with the settings: systemd accepts the units,
nginx hands media over where Django says and reaches gunicorn where it listens, every variable
of the env template is one the portal reads, and gunicorn gives up before nginx does."""

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "gis_portal.conf").read_text()
UNITS = sorted((DEPLOY / "systemd").iterdir())


def env_template() -> dict[str, str]:
    lines = (DEPLOY / "env.example").read_text().splitlines()
    pairs = (line.lstrip("#").split("=", 1) for line in lines if re.match(r"#?[A-Z_]+=", line))
    return {name: value for name, value in pairs}


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_accepts_the_units(tmp_path):
    # The units name the server's checkout (/srv/gis_portal); verify checks that each program
    # exists, so they are checked against this checkout's.
    for unit in UNITS:
        text = unit.read_text().replace("/srv/gis_portal", str(ROOT))
        (tmp_path / unit.name).write_text(text)
    names = [p.name.replace("@.", "@1.") for p in UNITS]
    done = subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gis_portal" not in done.stderr, done.stderr


def test_every_unit_reads_the_env_file_and_runs_as_the_service_user():
    for unit in UNITS:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert "EnvironmentFile=/etc/gis_portal/env" in text, unit.name
            assert "User=gis_portal" in text, unit.name
            assert "ProtectSystem=strict" in text, unit.name
    timer = (DEPLOY / "systemd" / "gis_portal-outbox-relay.timer").read_text()
    assert "OnUnitActiveSec=" in timer


def test_every_variable_of_the_env_template_is_read_by_the_portal():
    sources = "".join(
        p.read_text()
        for p in [*(ROOT / "gis_portal" / "settings").glob("*.py"), DEPLOY / "gunicorn.conf.py"]
    )
    unread = [
        name
        for name in env_template()
        if name != "DJANGO_SETTINGS_MODULE" and f'"{name}"' not in sources
    ]
    assert unread == []


def test_the_env_file_make_prod_writes_has_the_template_s_variables():
    script = (ROOT / "scripts" / "prod.sh").read_text()
    written = set(re.findall(r"^([A-Z_]+)=", script.split("write_env()", 1)[1], re.M))
    essential = {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DB_NAME",
        "DB_USER",
        "DB_PASSWORD",
        "REDIS_URL",
        "CACHE_REDIS_URL",
        "DJANGO_MEDIA_ROOT",
        "MEDIA_ACCEL_REDIRECT_PREFIX",
        "DJANGO_STATIC_ROOT",
    }
    assert essential <= written
    assert essential <= set(env_template())


def test_nginx_serves_media_and_static_files_where_the_settings_put_them():
    env = env_template()
    internal = re.search(r"location (/[\w-]+/) \{\s*internal;\s*alias ([^;]+);", SITE)
    assert internal, "an internal location for X-Accel-Redirect"
    assert internal[1] == env["MEDIA_ACCEL_REDIRECT_PREFIX"]
    assert internal[2].rstrip("/") == env["DJANGO_MEDIA_ROOT"]
    static = re.search(r"location /static/ \{\s*alias ([^;]+);", SITE)
    assert static[1].rstrip("/") == env["DJANGO_STATIC_ROOT"]
    assert f"location /{settings.STATIC_URL.strip('/')}/ " in SITE


def test_nginx_reaches_gunicorn_on_its_socket_and_waits_longer():
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    socket_path = config["bind"].removeprefix("unix:")
    assert f"server unix:{socket_path} " in SITE
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", SITE)[1])
    assert config["timeout"] < read_timeout
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    # The access log never writes the query string (an Open311 api_key may be in it).
    assert "%(U)s" in config["access_log_format"] and "%(r)s" not in config["access_log_format"]
    assert "$request_uri" not in SITE.split("log_format", 1)[1].split(";", 1)[0]


def test_gunicorn_workers_follow_the_cores_unless_told(monkeypatch):
    import multiprocessing

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 3


def test_the_request_body_limit_fits_a_report_with_every_file_at_its_limit():
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", SITE)[1])
    largest = max(settings.REPORTS_MEDIA_MAX_VIDEO_BYTES, settings.REPORTS_MEDIA_MAX_IMAGE_BYTES)
    assert limit_mb * 2**20 >= settings.REPORTS_MEDIA_MAX_FILES * largest
    # What nginx answers above it names the field, in Vietnamese, like the API's errors.
    assert f"tối đa {limit_mb} MB" in SITE and '"field": "media"' in SITE
