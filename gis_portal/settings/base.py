"""Settings shared by every environment; each value can be overridden from the environment."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .env import BASE_DIR, env_bool, env_list, env_str
from .operations import MEDIA_STORAGE_ORIGINS

# The development key is public: production.py refuses to start with it.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Never read from the environment here: a debug page shows reporters' names, phones and
# e-mails, so only settings.local may turn it on.
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    # API tokens stored as digests, with an expiry (gis_portal/accounts/tokens.py).
    "knox",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gis_portal.accounts",
    "boundaries",
    "routing_rules",
    "outbox",
    "reports",
    "maps",
    "open311",
    "stats",
    "privacy",
    "devtools",
    "operations",
    "forwarding",
    "alerts",
    "suggest",
    "mailin",
    "zalo",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id, and the latency counts all the rest.
    "gis_portal.logs.RequestIdMiddleware",
    "operations.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages: the visitor's choice (cookie, account) or Vietnamese; the API: also Accept-Language.
    "gis_portal.i18n.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the session's user verified by a second factor; the next one insists on it for
    # the roles that can read a reporter's identity (gis_portal/accounts/twofactor.py).
    "django_otp.middleware.OTPMiddleware",
    "gis_portal.accounts.twofactor.TwoFactorMiddleware",
    "gis_portal.middleware.StaffSessionMiddleware",
    "gis_portal.middleware.RegistrationThrottleMiddleware",
    "gis_portal.middleware.DatabaseUnavailableMiddleware",
    # With a replica (DB_REPLICA_HOST): which reads of the request may go there, and
    # read-your-writes after a write; not loaded without one.
    "gis_portal.dbrouting.middleware.ReplicaReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a lockout flagged during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gis_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gis_portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gis_portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "gis_portal.wsgi.application"
ASGI_APPLICATION = "gis_portal.asgi.application"

from .database import *  # noqa: E402, F403

AUTH_USER_MODEL = "reports.User"

# A locked-out client is refused by axes before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The English catalogue (locale/en/LC_MESSAGES, `make messages`); the message ids are Vietnamese.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is remembered for a year (Django's default: until the browser closes).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "gis_portal.accounts.tokens.PortalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gis_portal.api_errors.exception_handler",
    # Only views that name a throttle_scope are limited (gis_portal/throttles.py); staff never.
    "DEFAULT_THROTTLE_CLASSES": ["gis_portal.throttles.PortalScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "register": env_str("THROTTLE_REGISTER_RATE", "5/hour"),
        "auth-token": env_str("THROTTLE_AUTH_TOKEN_RATE", "10/minute"),
        "address-locate": env_str("THROTTLE_ADDRESS_LOCATE_RATE", "30/minute"),
        "photo-location": env_str("THROTTLE_PHOTO_LOCATION_RATE", "20/minute"),
        "nearby": env_str("THROTTLE_NEARBY_RATE", "60/minute"),
        "maps-export": env_str("THROTTLE_MAPS_EXPORT_RATE", "10/hour"),
        "stats-custom": env_str("THROTTLE_STATS_CUSTOM_RATE", "20/hour"),
        "maps-geojson": env_str("THROTTLE_MAPS_GEOJSON_RATE", "120/minute"),
        # These two count staff too: each request builds a whole file.
        "maps-export-staff": env_str("THROTTLE_MAPS_EXPORT_STAFF_RATE", "60/hour"),
        "maps-html-report": env_str("THROTTLE_MAPS_HTML_REPORT_RATE", "30/hour"),
        # Asked while a citizen types (debounced): a few per report, sometimes more.
        "category-suggest": env_str("THROTTLE_CATEGORY_SUGGEST_RATE", "60/minute"),
        # Zalo's servers deliver every user's events from a few addresses: a flood bound only.
        "zalo-webhook": env_str("THROTTLE_ZALO_WEBHOOK_RATE", "1200/minute"),
    },
    # Reverse proxies in front of the portal whose X-Forwarded-For is trusted; 0 means the
    # client is REMOTE_ADDR (a client-sent X-Forwarded-For must not dodge the limits).
    "NUM_PROXIES": int(env_str("DJANGO_NUM_PROXIES", "0")),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Điện Biên — Phản ánh hiện trường API",
    "VERSION": "1.0.0",
    # Swagger UI assets are served from the sidecar package: the portal must work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Keeps the `.json`/`.xml` URLs of Open311 in the schema (gis_portal/openapi.py).
    "DEFAULT_GENERATOR_CLASS": "gis_portal.openapi.PortalSchemaGenerator",
}

CELERY_BROKER_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
# Beat's schedule and its lock (settings.operations, "several web and worker nodes").
CELERY_REDBEAT_REDIS_URL = env_str("REDBEAT_REDIS_URL", CELERY_BROKER_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Imported by workers and beat as they start: their signal receivers (the periodic tasks'
# heartbeats), which a web worker, never loading Celery, has no use for.
CELERY_IMPORTS = ("operations.beat_signals",)

# Throttle counters (and any cached value) live in Redis, shared by every worker process.
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "gis_portal"),
    }
}

# Boundary data lives outside the repository (../shared/data/boundaries by default).
BOUNDARIES_DATA_DIR = Path(
    env_str("BOUNDARIES_DATA_DIR", str(BASE_DIR.parent / "shared" / "data" / "boundaries"))
)
# Decompressed copies of .xz inputs are cached here, never inside the repository.
BOUNDARIES_CACHE_DIR = Path(
    env_str("BOUNDARIES_CACHE_DIR", str(Path.home() / ".cache" / "gis_portal"))
)
# Provinces whose communes the portal serves (official 2-digit codes).
BOUNDARIES_SERVED_PROVINCES = env_list("BOUNDARIES_SERVED_PROVINCES", ["11"])
# Metric CRS for distances, areas and simplification: UTM zone 48N covers Điện Biên.
BOUNDARIES_METRIC_SRID = int(env_str("BOUNDARIES_METRIC_SRID", "32648"))
# A point in the province outline but in no commune snaps to the nearest commune this close.
BOUNDARIES_SLIVER_TOLERANCE_M = float(env_str("BOUNDARIES_SLIVER_TOLERANCE_M", "2000"))
# Point lookups answer from an in-process index of the subdivided pieces (boundaries/index.py);
# off, every lookup asks PostGIS. Each process reads the boundaries' version (one indexed row)
# at most this often, so an edited unit or a new edition is seen within that many seconds.
BOUNDARIES_INDEX_ENABLED = env_bool("BOUNDARIES_INDEX_ENABLED", True)
BOUNDARIES_INDEX_CHECK_SECONDS = float(env_str("BOUNDARIES_INDEX_CHECK_SECONDS", "1"))

DATA_CREDIT = (
    "Ranh giới hành chính 2025: vietnamese-provinces-database © 2021 Thang Le Quoc (MIT), "
    "theo Bản đồ đơn vị hành chính Việt Nam (sapnhap.bando.com.vn), NXB Tài nguyên – Môi "
    "trường và Bản đồ Việt Nam."
)

# Wiring between apps: routing_rules reads open reports through this callable, never by import.
ROUTING_REPORT_SOURCE = env_str("ROUTING_REPORT_SOURCE", "reports.selectors.report_routing_inputs")
ROUTING_DATA_DIR = Path(env_str("ROUTING_DATA_DIR", str(BASE_DIR / "data" / "routing")))

# Debian 12 ships GDAL 3.6; the portal never parses spatial references from untrusted input
# (boundary files are imported by administrators), which is what the 3.9 check guards against.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Logs never carry a secret from a URL: an Open311 api_key sent in the query string (clients
# should send the X-Api-Key header) is masked, the development server's request log included,
# and so are credentials in headers, e-mail addresses and phone numbers (log_filters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "gis_portal.log_filters.RedactSecrets"},
        "request_context": {"()": "gis_portal.logs.RequestContext"},
    },
    "formatters": {
        # Text or JSON lines with the request id, as LOG_FORMAT says (gis_portal/logs.py).
        "portal": {"()": "gis_portal.logs.portal_formatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "portal",
            "filters": ["redact_secrets", "request_context"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Its DEBUG lines are SQL with the parameters (names, phones): never written.
        "django.db.backends": {"level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- reports ---
STATICFILES_DIRS = [BASE_DIR / "gis_portal" / "static"]
LOGIN_URL = "reports-web:login"
LOGIN_REDIRECT_URL = "reports-web:my-reports"
LOGOUT_REDIRECT_URL = "reports-web:home"
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "phananh@dienbien.gov.vn")
# Personal data (Law 91/2025): the privacy notice version consents are recorded against, and
# how long after a case closes the reporter's identity is kept (then wiped; the case stays).
PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-12")
REPORTS_IDENTITY_RETENTION_DAYS = int(env_str("REPORTS_IDENTITY_RETENTION_DAYS", "730"))
# Sign-in records (address, browser, time) are personal data too: kept this long, then purged.
SIGNIN_LOG_RETENTION_DAYS = int(env_str("SIGNIN_LOG_RETENTION_DAYS", "90"))
# The transactional outbox: the worker relays it on start and every N seconds (no broker
# needed); a message failing this many times is dead-lettered (visible in the admin).
OUTBOX_RELAY_SECONDS = float(env_str("OUTBOX_RELAY_SECONDS", "10"))
OUTBOX_RELAY_IN_WORKER = env_bool("OUTBOX_RELAY_IN_WORKER", True)
OUTBOX_MAX_ATTEMPTS = int(env_str("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_MAX_BACKOFF_SECONDS = int(env_str("OUTBOX_MAX_BACKOFF_SECONDS", "600"))
# Media are served by a view that asks the reports policy first. Behind nginx set this to the
# internal location that maps to MEDIA_ROOT (e.g. /protected-media/): the view then answers with
# X-Accel-Redirect and nginx sends the bytes; empty means Django streams them itself.
MEDIA_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_ACCEL_REDIRECT_PREFIX", "")
REPORTS_MEDIA_MAX_FILES = int(env_str("REPORTS_MEDIA_MAX_FILES", "6"))
REPORTS_MEDIA_MAX_IMAGE_BYTES = int(env_str("REPORTS_MEDIA_MAX_IMAGE_BYTES", str(10 * 2**20)))
REPORTS_MEDIA_MAX_VIDEO_BYTES = int(env_str("REPORTS_MEDIA_MAX_VIDEO_BYTES", str(50 * 2**20)))
REPORTS_MEDIA_MAX_IMAGE_PIXELS = int(env_str("REPORTS_MEDIA_MAX_IMAGE_PIXELS", "40000000"))
REPORTS_MEDIA_IMAGE_MAX_SIDE = int(env_str("REPORTS_MEDIA_IMAGE_MAX_SIDE", "2560"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env_str("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 2**20)))
# QĐ 663/QĐ-UBND: 6 working days to handle, 1 working day to reject an invalid report.
REPORTS_DEADLINE_WORKING_DAYS = int(env_str("REPORTS_DEADLINE_WORKING_DAYS", "6"))
REPORTS_REJECT_WORKING_DAYS = int(env_str("REPORTS_REJECT_WORKING_DAYS", "1"))
REPORTS_STATUS_NOTICE_WORKING_DAYS = int(env_str("REPORTS_STATUS_NOTICE_WORKING_DAYS", "6"))
REPORTS_HOLIDAY_COUNTRY = env_str("REPORTS_HOLIDAY_COUNTRY", "VN")
REPORTS_DUPLICATE_RADIUS_M = float(env_str("REPORTS_DUPLICATE_RADIUS_M", "100"))
REPORTS_DUPLICATE_DAYS = int(env_str("REPORTS_DUPLICATE_DAYS", "30"))
# A retried submission with the same Idempotency-Key within this many hours gets the report
# already filed; after that the key is forgotten (and purged) and may be used again.
REPORTS_IDEMPOTENCY_KEY_HOURS = int(env_str("REPORTS_IDEMPOTENCY_KEY_HOURS", "24"))
# Maps: optional base-map tiles; the public map turns to vector tiles above this many reports.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAPS_GEOJSON_MAX_FEATURES = int(env_str("MAPS_GEOJSON_MAX_FEATURES", "5000"))
MAPS_CELL_CACHE = env_bool("MAPS_CELL_CACHE", True)
MAPS_CELL_CACHE_MAX_AGE = int(env_str("MAPS_CELL_CACHE_MAX_AGE", "900"))
# Browsers and proxies may reuse a public map tile for this many seconds.
MAPS_TILE_MAX_AGE = int(env_str("MAPS_TILE_MAX_AGE", "300"))
# The public map's unfiltered point tiles are kept in the cache (Redis) under the version of
# their places, which every report or category write changes (maps.tile_cache): never stale.
MAPS_TILE_CACHE = env_bool("MAPS_TILE_CACHE", True)
MAPS_TILE_CACHE_SECONDS = int(env_str("MAPS_TILE_CACHE_SECONDS", "3600"))

# --- open311 ---
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "dienbien.gov.vn")
# Rate-limit counters live in Redis; empty means the Celery broker's Redis.
OPEN311_REDIS_URL = env_str("OPEN311_REDIS_URL", "")
OPEN311_RATE_LIMIT_PREFIX = env_str("OPEN311_RATE_LIMIT_PREFIX", "open311:rate")
OPEN311_ANONYMOUS_RATE_PER_MINUTE = int(env_str("OPEN311_ANONYMOUS_RATE_PER_MINUTE", "120"))

# --- stats ---
# An agency enters the ranking only with enough closed cases and ratings to be fair to it.
STATS_RANKING_MIN_CASES = int(env_str("STATS_RANKING_MIN_CASES", "10"))
STATS_RANKING_MIN_RATINGS = int(env_str("STATS_RANKING_MIN_RATINGS", "5"))
# /thong-ke/'s standard periods are rebuilt this often (more below, with the page's limits).
STATS_SNAPSHOT_SECONDS = int(env_str("STATS_SNAPSHOT_SECONDS", "300"))
# Retention jobs (identities of closed cases, sign-in records) run this often.
RETENTION_CHECK_SECONDS = float(env_str("REPORTS_IDENTITY_RETENTION_CHECK_SECONDS", "86400"))
CELERY_BEAT_SCHEDULE = {
    "reports-deadlines": {
        "task": "reports.tasks.reports_deadlines_check",
        "schedule": float(env_str("REPORTS_DEADLINE_CHECK_SECONDS", "900")),
    },
    # Wipes reporters' identities of cases closed longer ago than the retention period.
    "reports-identity-retention": {
        "task": "privacy.tasks.identities_retention_purge_task",
        "schedule": RETENTION_CHECK_SECONDS,
    },
    "signin-log-retention": {
        "task": "privacy.tasks.signin_logs_purge_task",
        "schedule": RETENTION_CHECK_SECONDS,
    },
    "reports-idempotency-keys": {
        "task": "reports.tasks.idempotency_keys_purge_task",
        "schedule": float(env_str("REPORTS_IDEMPOTENCY_PURGE_SECONDS", "3600")),
    },
    "stats-snapshot": {
        "task": "stats.tasks.stats_snapshot_refresh_task",
        "schedule": float(STATS_SNAPSHOT_SECONDS),
    },
    # Folds the noted report changes into the statistics summary (issue 13 §4): how far
    # behind the writes /thong-ke/ may be, at most.
    "stats-cube": {
        "task": "stats.tasks.stats_cube_fold_task",
        "schedule": float(env_str("STATS_CUBE_FOLD_SECONDS", "15")),
    },
    # Low-zoom tiles, heatmaps and hotspots read this summary; it is trusted for 15 minutes.
    "maps-cells": {
        "task": "maps.tasks.maps_cells_refresh",
        "schedule": float(env_str("MAPS_CELLS_REFRESH_SECONDS", "600")),
    },
    # Zalo conversations left unfinished are sent on (zalo/; ZALO_CONVERSATION_IDLE_MINUTES).
    "zalo-idle-conversations": {
        "task": "zalo.tasks.zalo_conversations_idle_close_task",
        "schedule": float(env_str("ZALO_IDLE_CHECK_SECONDS", "60")),
    },
    # The category suggestion learns the week's verified reports (suggest/; seconds).
    "suggest-retrain": {
        "task": "suggest.tasks.suggest_retrain_task",
        "schedule": float(env_str("SUGGEST_RETRAIN_SECONDS", "604800")),
    },
}

# --- sign-in, sessions, content security ---
# Lockout (django-axes): this many failed sign-ins for one username from one address lock that
# pair out for AXES_COOLOFF_MINUTES, on the web form, the admin and the API token endpoint.
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
_cooloff_minutes = float(env_str("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A try while locked out does not extend the lock, so the owner can sign in once it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "gis_portal.signin.lockout_response"
AXES_USERNAME_CALLABLE = "gis_portal.signin.attempt_username"
AXES_CLIENT_IP_CALLABLE = "gis_portal.throttles.client_ip"
# Every signed-in session ends after this long; staff sessions also end with the browser.
SESSION_COOKIE_AGE = int(env_str("SESSION_COOKIE_AGE_SECONDS", str(8 * 3600)))
STAFF_SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("STAFF_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)


def csp_origin(url: str) -> list[str]:
    """The CSP source of an absolute URL template such as https://{s}.tile.example/{z}/{x}/{y}.png
    (a placeholder in the leftmost host label becomes the CSP wildcard); a relative URL is
    already covered by 'self'."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    labels = parts.netloc.split(".")
    if labels[0].startswith("{"):
        labels[0] = "*"
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# The portal serves its own scripts, styles and Leaflet: nothing inline, nothing from elsewhere
# but the optional base-map tiles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Photos and videos in a bucket: the media view redirects there (settings.operations).
        "img-src": ["'self'", *csp_origin(MAP_TILE_URL), *MEDIA_STORAGE_ORIGINS],
        "media-src": ["'self'", *MEDIA_STORAGE_ORIGINS],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- production stack (deploy/, make prod): outgoing mail ---
# settings.production sends through SMTP (DJANGO_EMAIL_BACKEND above switches it); a worker
# waits at most EMAIL_TIMEOUT seconds for the server, so a dead relay cannot pin it.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))
SERVER_EMAIL = env_str("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Topics of their own, each declared once in its module.
from .accounts import *  # noqa: E402, F403
from .limits import *  # noqa: E402, F403
from .operations import *  # noqa: E402, F403

# The province's mailbox is read only where one is set (settings.operations, "e-mail intake");
# a poll still queued when the next is due is dropped rather than run twice.
if MAILIN_IMAP_HOST:  # noqa: F405
    CELERY_BEAT_SCHEDULE["mailin-imap-poll"] = {
        "task": "mailin.tasks.mailin_imap_poll_task",
        "schedule": MAILIN_POLL_SECONDS,  # noqa: F405
        "options": {"expires": MAILIN_POLL_SECONDS},  # noqa: F405
    }
