import gc
import os
import sys

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")


# Optional packages that libraries probe for while the web starts, for features the web never
# uses: GeoDjango's rasters and coordinate arrays (numpy), DRF's test client for `requests`
# and Django's Jinja2 test helpers (both through drf-spectacular, which imports DRF's test
# module), the code highlighting of DRF's API docs (pygments). 17, 5, 1.5 and 1 MiB in every
# worker. They start without them, as if they were not installed; whatever needs one later
# (the map layers, the category suggestion) imports it.
BOOT_WITHOUT = ("numpy", "requests", "jinja2", "pygments")
hidden = [name for name in BOOT_WITHOUT if name not in sys.modules]
sys.modules.update(dict.fromkeys(hidden))  # an import of None raises ImportError
try:
    application = get_wsgi_application()
    # The URLs (and so the views) are loaded now rather than by the first request.
    get_resolver().url_patterns  # noqa: B018 — loads them
finally:
    for name in hidden:
        del sys.modules[name]
# What the boot created is set aside from the garbage collector: a full collection walked
# those ~170,000 objects for 70–280 ms, landing on whichever request happened to trigger it.
gc.freeze()
