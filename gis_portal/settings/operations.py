"""Running the portal: backups, metrics, logs, scaling."""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env_bool, env_list, env_str

# --- backups (manage.py backup_create / backup_prune / backup_restore; README, "Backups") ---
# Each backup is a folder here (database dump, media archive, manifest); keep it on another
# disk than the database and media, and copy it off the machine.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# Pruning keeps the newest backup of each of the last N days that have one, and of N weeks.
BACKUP_KEEP_DAILY = int(env_str("BACKUP_KEEP_DAILY", "7"))
BACKUP_KEEP_WEEKLY = int(env_str("BACKUP_KEEP_WEEKLY", "4"))
# pg_dump/pg_restore talk to PostgreSQL itself: behind PgBouncer in transaction mode (DB_POOL_MODE)
# their session settings would leak into the pool, so backups refuse to run through it. Empty:
# DB_HOST/DB_PORT.
DB_DIRECT_HOST = env_str("DB_DIRECT_HOST", "")
DB_DIRECT_PORT = env_str("DB_DIRECT_PORT", "")

# --- operators' metrics (/metrics, Prometheus text format) ---
# Readable from these client addresses, or with `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# --- media on object storage (README, "Media on object storage") ---
# "local": files under MEDIA_ROOT. "s3": a private bucket of an S3-compatible service (MinIO,
# Ceph RGW, a cloud's object storage). Its keys come from the environment (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY) or boto3's usual chain, never from these settings. Either way every
# media link is the portal's view (reports/media_views.py), which asks the access policy and
# then redirects to a link signed for MEDIA_SIGNED_URL_SECONDS.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "")  # empty: AWS itself
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "")
# "path" (bucket in the URL's path) suits most self-hosted services; AWS wants "virtual".
AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE", "path")
MEDIA_SIGNED_URL_SECONDS = int(env_str("MEDIA_SIGNED_URL_SECONDS", "60"))
_MEDIA_BACKENDS = {
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "gis_portal.storage.PortalS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": AWS_S3_REGION_NAME or None,
            "addressing_style": AWS_S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            # Objects get no ACL of their own: the bucket stays private and every read is signed.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
            "file_overwrite": False,
        },
    },
}
if MEDIA_STORAGE not in _MEDIA_BACKENDS:
    raise ImproperlyConfigured(f"MEDIA_STORAGE: local or s3, not {MEDIA_STORAGE!r}")
if MEDIA_STORAGE == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
# settings.production keeps the default and hashes the static files.
STORAGES = {
    "default": _MEDIA_BACKENDS[MEDIA_STORAGE],
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _bucket_origins() -> list[str]:
    """Where browsers fetch the signed links from, for the CSP's img-src and media-src."""
    if MEDIA_STORAGE != "s3":
        return []
    bucket = AWS_STORAGE_BUCKET_NAME
    if not AWS_S3_ENDPOINT_URL:
        region = f".{AWS_S3_REGION_NAME}" if AWS_S3_REGION_NAME else ""
        return [f"https://{bucket}.s3{region}.amazonaws.com", f"https://s3{region}.amazonaws.com"]
    parts = urlsplit(AWS_S3_ENDPOINT_URL)
    origins = [f"{parts.scheme}://{parts.netloc}"]
    if AWS_S3_ADDRESSING_STYLE != "path":
        origins.append(f"{parts.scheme}://{bucket}.{parts.netloc}")
    return origins


MEDIA_STORAGE_ORIGINS = env_list("MEDIA_STORAGE_ORIGINS", _bucket_origins())

# --- several web and worker nodes (README, "Several web and worker nodes") ---
# No state in a process: sessions in PostgreSQL, request limits and caches in Redis (base.py),
# lockouts in PostgreSQL (django-axes), and beat's schedule in Redis with a lock (RedBeat): a
# beat on every node, only the one holding the lock sends; the others wait, and one takes over
# within REDBEAT_LOCK_TIMEOUT_SECONDS when its node dies, carrying on from the last run.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CELERY_BEAT_SCHEDULER = env_str("CELERY_BEAT_SCHEDULER", "redbeat.RedBeatScheduler")
# Beat wakes at least this often: also how often the lock is renewed and a waiting beat tries.
CELERY_BEAT_MAX_LOOP_INTERVAL = int(env_str("CELERY_BEAT_MAX_LOOP_SECONDS", "30"))
CELERY_REDBEAT_LOCK_TIMEOUT = int(
    env_str("REDBEAT_LOCK_TIMEOUT_SECONDS", str(5 * CELERY_BEAT_MAX_LOOP_INTERVAL))
)
CELERY_REDBEAT_KEY_PREFIX = env_str("REDBEAT_KEY_PREFIX", "gis_portal:beat")

# --- watching it (README, "Health checks", "Metrics", "Logs") ---
# "text" (one readable line) or "json" (one object per line, for a log collector); production.py
# and deploy/gunicorn.conf.py default to json. Every line carries the request's X-Request-ID.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
# The staff health page (/trang-thai/): an error below this share of free disk where the media
# are (a warning below twice it), a warning when the oldest outbox message waited longer than
# this, and how long it waits for the Celery workers to answer a ping.
HEALTH_MEDIA_MIN_FREE_PERCENT = float(env_str("HEALTH_MEDIA_MIN_FREE_PERCENT", "10"))
HEALTH_OUTBOX_MAX_AGE_SECONDS = float(env_str("HEALTH_OUTBOX_MAX_AGE_SECONDS", "300"))
HEALTH_CELERY_PING_SECONDS = float(env_str("HEALTH_CELERY_PING_SECONDS", "1"))

# --- benchmarks (bench/locate_bench.py) ---
# Serves /_bench/json and /_bench/api: constant JSON answers (plain Django, and DRF), the
# baseline the locate throughput is compared with. Off everywhere but a bench's own server.
DEVTOOLS_BENCH_VIEWS = env_bool("DEVTOOLS_BENCH_VIEWS", False)

# --- lean intake (issue 13 §2) ---
# A submission looks its category up by code in a cache of the process, read again at most
# this often (seconds): how long another process's deactivation of a category may lag. A save
# through the ORM clears the cache of its own process at once. 0 reads it every time.
ROUTING_CATEGORY_CACHE_SECONDS = float(env_str("ROUTING_CATEGORY_CACHE_SECONDS", "2"))

# --- instant statistics (issue 13 §4; stats.cube) ---
# A fold takes the noted report changes this many at a time; with more than
# STATS_CUBE_REBUILD_ABOVE waiting (a bulk import) it rebuilds the summary instead.
STATS_CUBE_FOLD_BATCH = int(env_str("STATS_CUBE_FOLD_BATCH", "5000"))
STATS_CUBE_REBUILD_ABOVE = int(env_str("STATS_CUBE_REBUILD_ABOVE", "200000"))

# --- bounded analysis (issue 13 §6; maps.budget) ---
# Every statement of a heatmap, hotspot, choropleth or HTML-report request runs under this
# PostgreSQL statement_timeout (milliseconds, SET LOCAL in the request's transaction); past it
# the request answers 503 naming what to narrow, and the connection serves the next request.
# Allowed requests answer within 1 s at 1 M reports (bench/maps_analysis.py); the budget is the
# safety net above that, so a busy moment slows a planner's map instead of refusing it.
MAPS_ANALYSIS_BUDGET_MS = int(env_str("MAPS_ANALYSIS_BUDGET_MS", "3000"))
# Boundary work kept for every process: a Gi* study area the refresh task has not stored (a
# cell size no zoom uses) and the choropleth's simplified outlines after a boundary change,
# built once by the request that needs it under this budget instead (ms).
MAPS_ANALYSIS_BUILD_MS = int(env_str("MAPS_ANALYSIS_BUILD_MS", "60000"))
# A layer the cell cache cannot answer (a period, status, unit, urgency or map-box filter) is
# computed over the reports themselves: at most this many (more is a 400 naming the filter).
MAPS_ANALYSIS_LIVE_MAX_REPORTS = int(env_str("MAPS_ANALYSIS_LIVE_MAX_REPORTS", "20000"))

# --- forwarding to the agencies' own systems (issue 15 §4; forwarding/) ---
# Each agency may have a webhook (URL and HMAC secret, set in the admin) that receives its
# cases' events as signed JSON through the outbox. Plain http is refused unless this is on,
# and then only to localhost/127.0.0.1 (a receiver on the same machine, e.g. in tests).
FORWARDING_ALLOW_HTTP = env_bool("FORWARDING_ALLOW_HTTP", False)
# One POST waits at most this long (seconds); past it the outbox retries it later.
FORWARDING_TIMEOUT_SECONDS = float(env_str("FORWARDING_TIMEOUT_SECONDS", "10"))
# The portal's public address, for the report link in each event (e.g. https://portal.example.org);
# empty: the link is the path alone (/phan-anh/<reference>/).
FORWARDING_PORTAL_URL = env_str("FORWARDING_PORTAL_URL", "")

# --- area alerts and Atom feeds (issue 15 §4; alerts) ---
# The portal's public address, for the report and unsubscribe links in alert e-mails
# (e.g. https://portal.example.org); empty: the links are the paths alone.
ALERTS_PORTAL_URL = env_str("ALERTS_PORTAL_URL", "")

# --- e-mail and SMS notices (issue 15 §4; reports.services.mail, reports.services.sms) ---
# The portal's public address, for the report link in notice e-mails and SMS (empty: a path).
NOTIFY_PORTAL_URL = env_str("NOTIFY_PORTAL_URL", "")
# An HTTP SMS gateway for reporters with a phone and no e-mail: off while the URL is empty.
# It receives a JSON POST with a Bearer token; SMS_SENDER is the brand name shown to the phone.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = env_str("SMS_SENDER", "DIENBIEN")
# Seconds one POST may take before the outbox retries it with backoff.
SMS_GATEWAY_TIMEOUT_SECONDS = float(env_str("SMS_GATEWAY_TIMEOUT_SECONDS", "10"))
# Once connected, how long a send waits for the SMTP server's replies (EMAIL_TIMEOUT bounds
# the connection): a server that scans a message before accepting it is waited for, not
# timed out and sent the message again.
EMAIL_DATA_TIMEOUT_SECONDS = float(env_str("EMAIL_DATA_TIMEOUT_SECONDS", "120"))

# --- Zalo Official Account (issue 15 §2; zalo/) ---
# The webhook (/zalo/webhook/) is off (404) while the OA secret key is empty. Zalo signs each
# event with sha256(app id + body + timestamp + OA secret key) (zalo/signature.py).
ZALO_APP_ID = env_str("ZALO_APP_ID", "")
ZALO_OA_SECRET_KEY = env_str("ZALO_OA_SECRET_KEY", "")
# The OA access token the answers are sent with (Zalo's "access_token" header).
ZALO_ACCESS_TOKEN = env_str("ZALO_ACCESS_TOKEN", "")
ZALO_API_BASE = env_str("ZALO_API_BASE", "https://openapi.zalo.me")
ZALO_API_TIMEOUT_SECONDS = float(env_str("ZALO_API_TIMEOUT_SECONDS", "10"))
# An event larger than this is refused (413); Zalo's are a few hundred bytes.
ZALO_WEBHOOK_MAX_BYTES = int(env_str("ZALO_WEBHOOK_MAX_BYTES", "65536"))
# An event whose signed timestamp is further from now than this is refused (a replay); within
# it, a message id seen before is ignored.
ZALO_WEBHOOK_MAX_AGE_SECONDS = int(env_str("ZALO_WEBHOOK_MAX_AGE_SECONDS", "900"))
# A conversation nobody finished with "xong" is closed (and sent on) after this many idle
# minutes; a beat task looks every ZALO_IDLE_CHECK_SECONDS (CELERY_BEAT_SCHEDULE, base.py).
ZALO_CONVERSATION_IDLE_MINUTES = int(env_str("ZALO_CONVERSATION_IDLE_MINUTES", "30"))
ZALO_CONVERSATION_MAX_TEXTS = int(env_str("ZALO_CONVERSATION_MAX_TEXTS", "20"))
ZALO_MEDIA_MAX_IMAGES = int(env_str("ZALO_MEDIA_MAX_IMAGES", "4"))
# Photos are fetched from Zalo's CDN only: https, port 443, a host equal to or under one of
# these (no redirects), so a forged event cannot make the portal fetch an internal address.
ZALO_MEDIA_HOSTS = env_list("ZALO_MEDIA_HOSTS", ["zdn.vn", "zadn.vn"])
# Plain http to localhost/127.0.0.1 only, and only when on (tests; never in production).
ZALO_MEDIA_ALLOW_HTTP = env_bool("ZALO_MEDIA_ALLOW_HTTP", False)
ZALO_MEDIA_TIMEOUT_SECONDS = float(env_str("ZALO_MEDIA_TIMEOUT_SECONDS", "15"))

# --- category suggestion (issue 15 §3; suggest/) ---
# A process checks this often (seconds) whether a newer model was trained, and loads it.
SUGGEST_MODEL_CHECK_SECONDS = float(env_str("SUGGEST_MODEL_CHECK_SECONDS", "60"))
# Trained models kept in the database (the newest is served; older ones allow a look back).
SUGGEST_MODEL_KEEP = int(env_str("SUGGEST_MODEL_KEEP", "3"))
# The newest verified reports a retrain learns from (memory of the worker that trains).
SUGGEST_TRAIN_MAX_REPORTS = int(env_str("SUGGEST_TRAIN_MAX_REPORTS", "50000"))
# The longest text a suggestion reads (the form sends the title and the start of the content).
SUGGEST_TEXT_MAX_CHARS = int(env_str("SUGGEST_TEXT_MAX_CHARS", "2000"))
# Beat retrains it weekly: CELERY_BEAT_SCHEDULE "suggest-retrain" (base.py).

# --- e-mail intake (issue 15 §2; mailin/) ---
# The province's mailbox, read over IMAP every MAILIN_POLL_SECONDS by a beat task: each new
# mail becomes a channel draft (a report at once when it has a GPS photo in the province, a
# sender's name and a category tag). Off while the host is empty. Security: ssl (IMAPS, port
# 993), starttls (port 143) or none (refused but for a server on this machine).
MAILIN_IMAP_HOST = env_str("MAILIN_IMAP_HOST", "")
MAILIN_IMAP_SECURITY = env_str("MAILIN_IMAP_SECURITY", "ssl").lower()
MAILIN_IMAP_PORT = int(
    env_str("MAILIN_IMAP_PORT", "993" if MAILIN_IMAP_SECURITY == "ssl" else "143")
)
MAILIN_IMAP_USER = env_str("MAILIN_IMAP_USER", "")
MAILIN_IMAP_PASSWORD = env_str("MAILIN_IMAP_PASSWORD", "")
MAILIN_IMAP_FOLDER = env_str("MAILIN_IMAP_FOLDER", "INBOX")
MAILIN_IMAP_TIMEOUT_SECONDS = float(env_str("MAILIN_IMAP_TIMEOUT_SECONDS", "30"))
MAILIN_POLL_SECONDS = float(env_str("MAILIN_POLL_SECONDS", "60"))
# Mails read per poll (the rest wait for the next), and how long a poll holds its lock at most.
MAILIN_IMAP_BATCH = int(env_str("MAILIN_IMAP_BATCH", "50"))
MAILIN_IMAP_LOCK_SECONDS = int(env_str("MAILIN_IMAP_LOCK_SECONDS", "600"))
# A larger mail is not downloaded: its sender is asked to send fewer photos.
MAILIN_MAX_MESSAGE_BYTES = int(env_str("MAILIN_MAX_MESSAGE_BYTES", str(25 * 2**20)))
# The replies' sender (empty: DJANGO_DEFAULT_FROM_EMAIL); mail from it, from the default
# sender, from the mailbox's own account or from MAILIN_OWN_ADDRESSES is never answered (loops).
MAILIN_REPLY_FROM = env_str("MAILIN_REPLY_FROM", "")
MAILIN_OWN_ADDRESSES = env_list("MAILIN_OWN_ADDRESSES", [])
if MAILIN_IMAP_SECURITY not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured("MAILIN_IMAP_SECURITY must be ssl, starttls or none")
if MAILIN_IMAP_SECURITY == "none" and MAILIN_IMAP_HOST not in ("", "localhost", "127.0.0.1", "::1"):
    raise ImproperlyConfigured(
        "MAILIN_IMAP_SECURITY=none sends the password in clear: localhost only"
    )

# --- result evidence (issue 14 §2: photos of the fix) ---
# Before/after photos one agency result may carry in all (each checked like a report's photos).
REPORTS_RESULT_PHOTOS_MAX = int(env_str("REPORTS_RESULT_PHOTOS_MAX", "6"))
