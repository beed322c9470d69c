"""Forwarding is exercised through real report changes: reuse the reports fixtures."""

import pytest

from forwarding.models import AgencyWebhook
from tests.forwarding._receiver import Receiver
from tests.reports.conftest import *  # noqa: F403

SECRET = "k" * 20 + "bi-mat-cua-co-quan-0123456789"


@pytest.fixture
def receiver(settings):
    """A webhook receiver on a free local port, for the length of one test."""
    settings.FORWARDING_ALLOW_HTTP = True
    settings.FORWARDING_TIMEOUT_SECONDS = 2
    server = Receiver(secret=SECRET)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hook(receiver, ubnd_dbp):
    """The ward UBND's e-office listening on the receiver."""
    return AgencyWebhook.objects.create(agency=ubnd_dbp, url=receiver.url, secret=SECRET)
