# The outbox is exercised through real report changes: reuse the reports fixtures.
from tests.reports.conftest import *  # noqa: F403
