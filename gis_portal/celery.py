import importlib
import os

from celery import Celery

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")

# Celery's signal receivers for the logs (the request id in task headers, workers' format),
# connected with the app: a web worker that never loads Celery does not need them. Those of
# the periodic tasks' heartbeats are in CELERY_IMPORTS.
from gis_portal import task_logs  # noqa: E402, F401

app = Celery("gis_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# RedBeat's own settings (settings.operations), by the bare names RedBeat checks for: Celery
# keeps the settings it does not know under their CELERY_ names only.
REDBEAT_SETTINGS = ("redbeat_redis_url", "redbeat_key_prefix", "redbeat_lock_timeout")


@app.on_after_configure.connect
def _redbeat_settings(sender, source, **kwargs) -> None:
    for name in REDBEAT_SETTINGS:
        source[name] = source[f"CELERY_{name.upper()}"]


@app.on_after_configure.connect
def _imports(sender, source, **kwargs) -> None:
    # Workers and beat import CELERY_IMPORTS as they start; an eager task (tests, a local
    # run) has no such start, and the same receivers must see its signals.
    for name in source["CELERY_IMPORTS"]:
        importlib.import_module(name)
