"""The databases: the primary, an optional streaming replica, and the pooler in front of them."""

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_str

# Behind PgBouncer in transaction mode (README, "Connection pooling") each transaction may run
# on another server connection: nothing may outlive one, so no server-side cursors (.iterator()
# then reads its rows in one go) and no prepared statements (pgbouncer 1.18 does not track them;
# Django's default, spelled out). Backups bypass the pooler (DB_DIRECT_HOST/DB_DIRECT_PORT).
DB_POOL_MODE = env_str("DB_POOL_MODE", "")
if DB_POOL_MODE not in ("", "session", "transaction"):
    raise ImproperlyConfigured(f"DB_POOL_MODE: session or transaction, not {DB_POOL_MODE!r}")
DATABASES = {
    "default": {
        # GeoDjango's PostGIS backend; a kept connection is checked without a round trip.
        "ENGINE": "gis_portal.postgis",
        "NAME": env_str("DB_NAME", "gis_portal"),
        "USER": env_str("DB_USER", "gis_portal"),
        "PASSWORD": env_str("DB_PASSWORD", "gis_portal"),
        "HOST": env_str("DB_HOST", "127.0.0.1"),
        "PORT": env_str("DB_PORT", "5432"),
        # Behind PgBouncer too: a kept connection holds a cheap client slot of the pooler, not a
        # server connection, and spares each request a login.
        "CONN_MAX_AGE": int(env_str("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it: after PostgreSQL restarts,
        # the first request of each worker reconnects instead of failing on a dead socket.
        "CONN_HEALTH_CHECKS": env_bool("DB_CONN_HEALTH_CHECKS", True),
        "DISABLE_SERVER_SIDE_CURSORS": DB_POOL_MODE == "transaction",
        "OPTIONS": {"prepare_threshold": None},
        "TEST": {"NAME": env_str("DB_TEST_NAME", "test_gis_portal")},
    }
}
# A streaming replica (README, "Read replicas"): with DB_REPLICA_HOST set, the public,
# staleness-tolerant endpoints read from it (gis_portal/dbrouting); writes, staff, every other
# page and a client's reads for DB_REPLICA_PIN_SECONDS after its own write stay on the primary.
DB_REPLICA_HOST = env_str("DB_REPLICA_HOST", "")
if DB_REPLICA_HOST:
    _primary = DATABASES["default"]
    DATABASES["replica"] = {
        **_primary,
        "HOST": DB_REPLICA_HOST,
        "PORT": env_str("DB_REPLICA_PORT", _primary["PORT"]),
        "NAME": env_str("DB_REPLICA_NAME", _primary["NAME"]),
        "USER": env_str("DB_REPLICA_USER", _primary["USER"]),
        "PASSWORD": env_str("DB_REPLICA_PASSWORD", _primary["PASSWORD"]),
        # A replica that is down must cost a request seconds at most: its reads then go to
        # the primary (and the replica is left alone for DB_REPLICA_RETRY_SECONDS).
        "OPTIONS": {
            **_primary["OPTIONS"],
            "connect_timeout": int(env_str("DB_REPLICA_CONNECT_TIMEOUT", "2")),
        },
        # Tests run against one database: the replica alias reads it over a connection of its
        # own (which sees committed rows only, as a replica would).
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["gis_portal.dbrouting.routers.ReplicaRouter"]
# Above this lag (seconds; 0: never measured) the replica's reads go to the primary; measured
# at most every DB_REPLICA_LAG_CHECK_SECONDS per process.
DB_REPLICA_MAX_LAG_SECONDS = float(env_str("DB_REPLICA_MAX_LAG_SECONDS", "10"))
DB_REPLICA_LAG_CHECK_SECONDS = float(env_str("DB_REPLICA_LAG_CHECK_SECONDS", "1"))
# Read-your-writes: after a successful write a client reads from the primary this long; more
# than the lag bound plus its check interval, so what it wrote is on the replica by then.
DB_REPLICA_PIN_SECONDS = int(env_str("DB_REPLICA_PIN_SECONDS", "15"))
DB_REPLICA_RETRY_SECONDS = float(env_str("DB_REPLICA_RETRY_SECONDS", "10"))
