"""Settings shared by every environment; each value can be overridden from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key")
DEBUG = env_bool("DJANGO_DEBUG", False)
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
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "boundaries",
    "routing_rules",
    "reports",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "gis_portal.wsgi.application"
ASGI_APPLICATION = "gis_portal.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": env_str("DB_NAME", "gis_portal"),
        "USER": env_str("DB_USER", "gis_portal"),
        "PASSWORD": env_str("DB_PASSWORD", "gis_portal"),
        "HOST": env_str("DB_HOST", "127.0.0.1"),
        "PORT": env_str("DB_PORT", "5432"),
        "CONN_MAX_AGE": int(env_str("DB_CONN_MAX_AGE", "60")),
        "TEST": {"NAME": env_str("DB_TEST_NAME", "test_gis_portal")},
    }
}

AUTH_USER_MODEL = "reports.User"

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
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Điện Biên — Phản ánh hiện trường API",
    "VERSION": "1.0.0",
    # Swagger UI assets are served from the sidecar package: the portal must work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

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

DATA_CREDIT = (
    "Ranh giới hành chính 2025: vietnamese-provinces-database © 2021 Thang Le Quoc (MIT), "
    "theo Bản đồ đơn vị hành chính Việt Nam (sapnhap.bando.com.vn), NXB Tài nguyên – Môi "
    "trường và Bản đồ Việt Nam."
)

# Debian 12 ships GDAL 3.6; the portal never parses spatial references from untrusted input
# (boundary files are imported by administrators), which is what the 3.9 check guards against.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
