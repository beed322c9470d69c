from gis_portal.celery import app


@app.task(ignore_result=True)
def mailin_imap_poll_task() -> dict:
    """Read the province's mailbox (CELERY_BEAT_SCHEDULE "mailin-imap-poll", every minute
    while MAILIN_IMAP_HOST is set)."""
    from mailin.services.imap import imap_poll

    return imap_poll().__dict__
