"""A web worker loads the analysis libraries only when an analysis request needs them: the URL
configuration (what every gunicorn worker imports at boot) pulls in none of them."""

import json
import subprocess
import sys

from django.conf import settings

HEAVY = ("scipy", "geopandas", "pandas", "esda", "libpysal", "folium", "sklearn", "joblib")
PROBE = f"""
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_booting_the_urls_imports_no_analysis_library():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
