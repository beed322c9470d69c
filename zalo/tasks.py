"""Celery tasks: thin wrappers."""

from gis_portal.celery import app


@app.task(ignore_result=True)
def zalo_conversations_idle_close_task() -> dict:
    from zalo.services import conversations_idle_close

    return conversations_idle_close()
