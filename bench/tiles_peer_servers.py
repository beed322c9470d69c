"""The two tile servers of bench/tiles_peer.py: ours under gunicorn, tipg under uvicorn.

tipg lives in a venv of its own (var/bench-peer-venv, made on first use): its FastAPI and
pydantic pins never meet the project's .venv. It serves one view of the benchmark database,
`bench_peer.public_reports`, made from the policy's public-map queryset compiled by Django, so
the peer publishes exactly the reports our public tiles may show, with the same properties.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from maps.selectors import map_public_reports, map_reports_sql
from maps.tiles import EXTENT, POINT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
PEER_VENV = ROOT / "var" / "bench-peer-venv"
# Pinned: the figures name the version they measured.
PEER_REQUIREMENTS = ("tipg==1.6.1", "uvicorn==0.54.0")
PEER_SCHEMA = "bench_peer"
PEER_COLLECTION = f"{PEER_SCHEMA}.public_reports"
# The buffer our tiles keep around each tile (maps.tiles.BUFFER), so both clip alike.
TILE_BUFFER = 64

# The public-map reports with our tile's properties (maps.sql.tiles._POINT_FEATURES). Params:
# the time zone, then the policy queryset's own.
_VIEW_SQL = """
CREATE VIEW {schema}.public_reports AS
SELECT q.id, q.reference, q.title, q.status, q.urgent,
       q.category__code AS category, q.category__name AS category_name,
       to_char(q.created_at AT TIME ZONE %s, 'YYYY-MM-DD') AS created, q.point
FROM ({reports}) q
"""


def peer_venv_ensure() -> Path:
    """var/bench-peer-venv with tipg and uvicorn; its python."""
    python = PEER_VENV / "bin" / "python"
    marker = PEER_VENV / ".requirements"
    wanted = "\n".join(PEER_REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"Installing {', '.join(PEER_REQUIREMENTS)} into {PEER_VENV} …", flush=True)
    # The system interpreter, not .venv's: nothing of the project's leaks in.
    base = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    subprocess.run([base, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS],
        capture_output=True,
        text=True,
    )
    if install.returncode:
        sys.exit(f"pip install {' '.join(PEER_REQUIREMENTS)} failed:\n{install.stderr}")
    marker.write_text(wanted)
    return python


def peer_view_create() -> None:
    """bench_peer.public_reports in the benchmark database (replaced if it exists)."""
    inner, params = map_reports_sql(map_public_reports(), *POINT_COLUMNS)
    # A view takes no bind parameters: the driver quotes the policy's values into it.
    view = connection.ops.compose_sql(
        _VIEW_SQL.format(schema=PEER_SCHEMA, reports=inner), (settings.TIME_ZONE, *params)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {PEER_SCHEMA}")
        cursor.execute(view)


def peer_view_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE")


class Process:
    """A server on 127.0.0.1:port in its own session; stop() ends it and its workers."""

    def __init__(self, command: list[str], env: dict, port: int, probe: str, log: Path):
        self.port = port
        self.probe = probe
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited ({self.process.returncode}): see {self.log.name}"
                )
            try:
                with urllib.request.urlopen(self.url(self.probe), timeout=30) as response:
                    response.read()
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server not ready after {seconds:.0f} s: see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def ours_start(
    port: int, log: Path, workers: int, cache_age: int, tile_cache: bool = True
) -> Process:
    """gunicorn, sync workers, production settings, persistent DB connections; `cache_age`:
    the cell cache's MAPS_CELL_CACHE_MAX_AGE; `tile_cache`: MAPS_TILE_CACHE (maps.tile_cache)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "MAPS_CELL_CACHE_MAX_AGE": str(cache_age),
        "MAPS_TILE_CACHE": "1" if tile_cache else "0",
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DB_NAME": db["NAME"],
        "DB_PASSWORD": db["PASSWORD"],
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback, no proxy in front.
        "DJANGO_BEHIND_PROXY": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "gis_portal.wsgi:application",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
    ]
    return Process(command, env, port, "/api/v1/maps/tiles/public/0/0/0.mvt", log)


def peer_start(python: Path, port: int, log: Path, workers: int, max_features: int) -> Process:
    """tipg's stock app under uvicorn over the bench_peer schema only."""
    db = settings.DATABASES["default"]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": (
            f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "TIPG_DB_SCHEMAS": f'["{PEER_SCHEMA}"]',
        "TIPG_DB_FUNCTIONS": "[]",
        "TIPG_DB_EXCLUDE_FUNCTION_SCHEMAS": '["public"]',
        # Extents are for the catalog page, a full scan of the view at start-up: not measured.
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
        "TIPG_TILE_RESOLUTION": str(EXTENT),
        "TIPG_TILE_BUFFER": str(TILE_BUFFER),
        # Every report a tile holds (its default cap, 10,000, is measured as ?limit=10000).
        "TIPG_MAX_FEATURES_PER_TILE": str(max_features),
        "TIPG_CATALOG_TTL": "86400",
    }
    command = [
        str(python),
        "-m",
        "uvicorn",
        "tipg.main:app",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        "--no-access-log",
        "--timeout-keep-alive=600",
        "--log-level=warning",
    ]
    return Process(command, env, port, "/collections", log)


def peer_tile_path(z: int, x: int, y: int, limit: int | None = None) -> str:
    path = f"/collections/{PEER_COLLECTION}/tiles/WebMercatorQuad/{z}/{x}/{y}"
    return path + (f"?limit={limit}" if limit else "")


def ours_tile_path(z: int, x: int, y: int) -> str:
    return f"/api/v1/maps/tiles/public/{z}/{x}/{y}.mvt"
