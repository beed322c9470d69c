"""Celery tasks: thin wrappers."""

from gis_portal.celery import app


@app.task
def reports_deadlines_check() -> dict:
    from reports.services.deadlines import reports_deadlines_check as sweep

    outcome = sweep()
    return {"overdue": len(outcome.overdue), "notices": len(outcome.notices)}


@app.task
def idempotency_keys_purge_task() -> int:
    from reports.services.submission import idempotency_keys_purge

    return idempotency_keys_purge()
