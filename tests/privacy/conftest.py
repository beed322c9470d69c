# Citizens, reports and the IOC come from the reports fixtures.
from tests.reports.conftest import *  # noqa: F403
