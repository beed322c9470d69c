"""Connections and the PostgreSQL client programs, with the portal's database credentials.

The password (and host, port, user) reach pg_dump/pg_restore through the environment, never
their command line, which any local user can read in the process list.
"""

import os
import re
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

# The name is also an argument of pg_dump/pg_restore, where a string such as "host=…" would be
# read as a connection string: only plain identifiers are accepted.
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
MAINTENANCE_DATABASE = "postgres"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese)."""


def default_params() -> dict:
    """The default database's credentials at PostgreSQL itself (DB_DIRECT_HOST/PORT): pg_dump's
    session settings (search_path = '' among them) must never reach PgBouncer's shared pool."""
    settings_dict = connections["default"].settings_dict
    host = settings.DB_DIRECT_HOST or settings_dict["HOST"]
    port = str(settings.DB_DIRECT_PORT or settings_dict["PORT"] or "")
    pooled = (settings_dict["HOST"], str(settings_dict["PORT"] or ""))
    if settings.DB_POOL_MODE == "transaction" and (host, port) == pooled:
        raise BackupError(
            _(
                "DB_HOST/DB_PORT là PgBouncer (DB_POOL_MODE=transaction): sao lưu và khôi phục "
                "phải nối thẳng tới PostgreSQL. Hãy đặt DB_DIRECT_HOST/DB_DIRECT_PORT (ví dụ "
                "cổng 5432)."
            )
        )
    return {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "host": host,
        "port": port,
    }


def database_name_check(name: str) -> str:
    if not DATABASE_NAME.match(name or ""):
        raise BackupError(
            _("Tên cơ sở dữ liệu không hợp lệ: %(name)s (chỉ chữ cái, chữ số và dấu gạch dưới).")
            % {"name": repr(name)}
        )
    return name


def connect(*, dbname: str, autocommit: bool = False) -> psycopg.Connection:
    params = {**default_params(), "dbname": dbname}
    params = {key: value for key, value in params.items() if value}
    try:
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise BackupError(
            _("Không kết nối được cơ sở dữ liệu %(name)s: %(error)s")
            % {"name": repr(dbname), "error": exc}
        ) from exc


def client_env() -> dict[str, str]:
    params = default_params()
    env = dict(os.environ)
    for key, value in (
        ("PGUSER", params["user"]),
        ("PGPASSWORD", params["password"]),
        ("PGHOST", params["host"]),
        ("PGPORT", params["port"]),
    ):
        if value:
            env[key] = value
    return env


def run(args: list[str], *, what: str) -> str:
    try:
        done = subprocess.run(args, env=client_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _("Không tìm thấy chương trình %(program)s (cài gói postgresql-client).")
            % {"program": args[0]}
        ) from exc
    if done.returncode != 0:
        raise BackupError(
            _("%(what)s thất bại (mã %(code)s): %(error)s")
            % {"what": what, "code": done.returncode, "error": done.stderr.strip()}
        )
    return done.stdout


def pg_dump_version() -> str:
    return run(["pg_dump", "--version"], what="pg_dump --version").strip()


def pg_dump(*, dbname: str, snapshot: str, output: Path) -> None:
    run(
        [
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={output}",
            "--",
            dbname,
        ],
        what="pg_dump",
    )


def pg_restore(*, dbname: str, dump: Path, work_dir: Path) -> None:
    """Restore in one transaction (a failure leaves the database as empty as it was)."""
    listing = run(["pg_restore", "--list", "--", str(dump)], what="pg_restore --list")
    # COMMENT ON EXTENSION needs the extension's owner (postgres): skipped, the extension
    # itself is created IF NOT EXISTS by its own entry.
    kept = [line for line in listing.splitlines() if " COMMENT - EXTENSION " not in line]
    # PostGIS brings its standard spatial_ref_sys rows itself; the dump holds only SRIDs
    # added by hand. Writing to that table (owned by postgres) is refused to the portal's
    # role, so an empty copy of it is skipped; a non-empty one needs a privileged role.
    if not _table_data_rows(dump=dump, table="spatial_ref_sys"):
        kept = [line for line in kept if " TABLE DATA public spatial_ref_sys " not in line]
    list_file = work_dir / "restore.list"
    list_file.write_text("\n".join(kept) + "\n", encoding="utf-8")
    try:
        run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--use-list={list_file}",
                f"--dbname={dbname}",
                "--",
                str(dump),
            ],
            what="pg_restore",
        )
    finally:
        list_file.unlink(missing_ok=True)


def _table_data_rows(*, dump: Path, table: str) -> int:
    script = run(
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", "--", str(dump)],
        what="pg_restore --data-only",
    )
    rows, copying = 0, False
    for line in script.splitlines():
        if line.startswith("COPY "):
            copying = True
        elif line == "\\.":
            copying = False
        elif copying:
            rows += 1
    return rows
