"""/healthz: 200 when PostgreSQL and Redis answer, 503 naming the one that does not; no
session, no cache, no sign-in. The failures are real: a server that refuses the connection."""

import socket

import pytest
from django.db import connections

from gis_portal.health import database_ok

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe_connection(**overrides):
    """A connection of its own, so the test's transaction on the default one is never touched."""
    default = connections["default"]
    return type(default)({**default.settings_dict, **overrides}, alias="health-probe")


def test_healthz_is_200_when_the_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_is_503_naming_redis_when_redis_refuses(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "redis": "error"}}


def test_the_database_check_fails_when_postgresql_refuses():
    db = probe_connection(PORT=str(closed_port()))
    assert database_ok(db) is False


def test_the_database_check_reopens_a_connection_broken_behind_its_back():
    db = probe_connection()
    try:
        db.ensure_connection()
        db.connection.close()  # as a database restart leaves a persistent connection
        assert database_ok(db) is True
    finally:
        db.close()


def test_healthz_only_reads(client):
    assert client.post("/healthz").status_code == 405
