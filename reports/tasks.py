"""Celery tasks: thin wrappers taking ids, queued with transaction.on_commit."""

from celery import shared_task


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def transition_notify_task(transition_id: int) -> int:
    from reports.services.notifications import transition_notify

    return len(transition_notify(transition_id=transition_id))


@shared_task
def reports_deadlines_check() -> dict:
    from reports.services.deadlines import reports_deadlines_check as sweep

    outcome = sweep()
    return {"overdue": len(outcome.overdue), "notices": len(outcome.notices)}
