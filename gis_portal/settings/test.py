"""Test settings: the same real PostGIS and Redis as local, fast hashing, eager tasks."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Throttle counters go to a Redis database of their own, under a prefix per test database (so
# concurrent runs never share counters); tests/conftest.py adds a prefix per test on top.
CACHES["default"]["LOCATION"] = env_str("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/2")  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "test:" + DATABASES["default"]["TEST"]["NAME"]  # noqa: F405
# Tests change boundaries inside transactions that roll back: the locate index asks for the
# boundaries' version on every lookup, so no test ever sees another test's units.
BOUNDARIES_INDEX_CHECK_SECONDS = 0.0
# Categories too change inside transactions that roll back: read on every submission (the test
# of the statement count turns the cache on).
ROUTING_CATEGORY_CACHE_SECONDS = 0.0
