"""A web worker loads the analysis libraries only when an analysis request needs them: the URL
configuration (what every gunicorn worker imports at boot) pulls in none of them, nor does a
worker's boot (gis_portal.wsgi) pull in numpy, shapely, Celery or the other optional ones."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

HEAVY = ("scipy", "geopandas", "pandas", "esda", "libpysal", "folium", "sklearn", "joblib")
PROBE = f"""
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_booting_the_urls_imports_no_analysis_library():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# What a gunicorn worker runs: gis_portal.wsgi, then one locate through the WSGI application.
WEB_ONLY = ("numpy", "shapely", "celery", "kombu", "requests", "jinja2", "pygments", "PIL", "segno")
WORKER_PROBE = f"""
import io, json, sys
from gis_portal.wsgi import application
environ = {{
    "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/locate",
    "QUERY_STRING": "lat=21.3823&lon=103.0163", "SERVER_NAME": "localhost",
    "SERVER_PORT": "80", "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO(),
    "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1", "wsgi.errors": sys.stderr,
}}
statuses = []
body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
loaded = [m for m in {WEB_ONLY!r} if m in sys.modules]
import numpy, requests, jinja2, pygments  # started without them, they still import
print(json.dumps({{"status": statuses[0], "locate": json.loads(body), "loaded": loaded,
                  "numpy": int(numpy.arange(4).sum())}}))
"""


@pytest.mark.django_db  # the test database, whose boundaries the session committed
def test_a_web_worker_boots_and_locates_without_numpy_shapely_or_celery():
    """Not one of them is imported by the boot or by a lookup of the in-process index (about
    40 MiB in every worker); a library that asks for one later gets the real module."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DB_NAME": connection.settings_dict["NAME"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == "200 OK"
    assert answer["locate"]["commune"]["name"] == "Điện Biên Phủ"
    assert answer["loaded"] == []
    assert answer["numpy"] == 6
