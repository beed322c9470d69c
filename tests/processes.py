"""Real server processes of a test's own, for the tests that stop, kill and restart them:
a redis-server and PostgreSQL 15 clusters (a primary and its streaming replica), each on a free
port, never the shared ones."""

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    def __init__(self, folder):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (scripts/setup.sh installs it)")
        self.port = free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def stop_if_running(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()


class PostgresCluster:
    """A cluster in a temporary folder (data, socket and log), trust authentication for its one
    superuser, listening on 127.0.0.1 at a free port. PostgreSQL refuses to run as root, so as
    root the server tools run as the `postgres` account, which then owns the folder."""

    user = "portal"

    def __init__(self):
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"{PG_BIN}/initdb is missing (scripts/setup.sh installs PG 15)")
        self.folder = Path(tempfile.mkdtemp(prefix="pg-own-"))
        self.port = free_port()
        self.data = self.folder / "data"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _tool(self, name: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_owner, str(PG_BIN / name), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )

    def init(self) -> None:
        self._tool("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync")  # fmt: skip

    def start(self, **config: str) -> None:
        """`config`: server settings for this run (e.g. log_statement="all")."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += "".join(f" -c {name}={value}" for name, value in config.items())
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                   "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        """A clean shutdown (sessions ended, checkpoint written)."""
        self._tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def basebackup_replica(self) -> "PostgresCluster":
        """A streaming replica of this (running) cluster, on a port of its own, not started:
        `pg_basebackup -R` copies the data and writes standby.signal and primary_conninfo.
        The defaults of PostgreSQL 15 (wal_level replica, max_wal_senders 10, hot_standby on)
        and initdb's pg_hba.conf (replication from 127.0.0.1, trust) are all it needs."""
        replica = PostgresCluster()
        replica._tool("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port),
                      "-U", self.user, "-D", str(replica.data), "-R", "-X", "stream",
                      "-c", "fast", "--no-sync")  # fmt: skip
        return replica

    def query(self, sql: str, database: str = "postgres", **variables: str) -> str:
        """psql's unaligned output of `sql` (one value per line); `variables` are psql's
        (:'name' in `sql` is the value quoted as a literal)."""
        done = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
             "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1",
             *(f"-v{name}={value}" for name, value in variables.items())],
            input=sql, capture_output=True, text=True, check=True, timeout=30,
        )  # fmt: skip
        return done.stdout.strip()

    def kill(self) -> None:
        """As a crash: every backend is killed at once, no checkpoint; the next start replays
        the write-ahead log."""
        self._tool("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"],
            cwd=self.folder,
            capture_output=True,
        )
        return status.returncode == 0

    def createdb(self, name: str) -> None:
        self._tool("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)

    def env(self, name: str) -> dict[str, str]:
        """The portal's database settings (gis_portal/settings/base.py) for database `name`."""
        return {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.port),
            "DB_NAME": name,
            "DB_USER": self.user,
            "DB_PASSWORD": "trust-authentication",
        }

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def remove(self) -> None:
        if self.data.exists() and self.running():
            self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def manage_shell(env: dict, module: str, function: str, timeout: float = 180) -> dict:
    """Run `module.function()` in `manage.py shell` with `env` (a portal of the test's own);
    the function prints its result as JSON on its last line."""
    code = f"from {module} import {function}; {function}()"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def portal_env(folder: Path, *, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a portal a test starts itself: production settings over plain HTTP on
    127.0.0.1, a random secret, media and static files under `folder`, its own Redis; `extra`
    (the database's DB_* among them) on top."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "CACHE_REDIS_URL": redis_url,
        "BOUNDARIES_DATA_DIR": str(settings.BOUNDARIES_DATA_DIR),
        **extra,
    }
    env.pop("DB_TEST_NAME", None)
    return env
