# Backups are proven on real reports: reuse the reports fixtures (and their teardown hook that
# restores what a flush limited to `available_apps` removed).
from tests.reports.conftest import *  # noqa: F403
