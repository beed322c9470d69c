import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")
application = get_wsgi_application()
# The URLs (and so the views) are loaded now rather than by the first request, and what the
# boot created is set aside from the garbage collector: a full collection walked those
# ~170,000 objects for 70–280 ms, landing on whichever request happened to trigger it.
get_resolver().url_patterns  # noqa: B018 — loads them
gc.freeze()
