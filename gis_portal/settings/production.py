"""Production: every secret comes from the environment; refuse to start without them.

The portal runs behind a TLS-terminating reverse proxy (nginx) that sets X-Forwarded-Proto;
without one, set DJANGO_BEHIND_PROXY=0 (the header is then never trusted).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEVELOPMENT_SECRET_KEY
from .env import env_bool, env_list, env_str

DEBUG = False
if os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY) == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if not os.environ.get("DB_PASSWORD"):
    raise ImproperlyConfigured("DB_PASSWORD must be set in production")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
if env_bool("DJANGO_BEHIND_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The address the proxy appends to X-Forwarded-For is the client's: request limits and
    # lockouts count per client, not all clients as the proxy's one address.
    REST_FRAMEWORK["NUM_PROXIES"] = int(env_str("DJANGO_NUM_PROXIES", "1"))  # noqa: F405
# A proxy that redirects HTTP to HTTPS itself may turn Django's redirect off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env_str("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading binds the whole domain to HTTPS in browsers for years: the domain's owner decides
# (DJANGO_SECURE_HSTS_PRELOAD=1 once submitted), so check --deploy's reminder is silenced.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The same variable as base.py's (EMAIL_HOST, EMAIL_PORT, … there), but SMTP unless told.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# One JSON object per log line for the log collector (the same variable as settings.operations').
LOG_FORMAT = env_str("LOG_FORMAT", "json")
# A load balancer probing http://…/healthz gets the answer, not a redirect (nginx forwards
# only that path over HTTP; everything else it redirects itself).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Django's defaults, spelled out because the smoke test of `make prod` checks them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Hashed names (deploy/nginx lets browsers keep them a year); collectstatic writes the manifest.
# Media stay where MEDIA_STORAGE puts them (settings.operations).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "gis_portal.staticfiles.PortalStaticFilesStorage"},
}
