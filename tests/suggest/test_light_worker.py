"""A web worker imports scikit-learn on its first suggestion, not when it boots (issue 13)."""

import json
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import suggest.engine, suggest.store, suggest.selectors
print(json.dumps(sorted(m for m in ("sklearn", "joblib") if m in sys.modules)))
"""


def test_booting_the_urls_imports_no_scikit_learn():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
