from celery import shared_task


@shared_task
def identities_retention_purge_task() -> int:
    from privacy.services import identities_retention_purge

    return identities_retention_purge()
