from celery import shared_task


@shared_task
def identities_retention_purge_task() -> int:
    from privacy.services import identities_retention_purge

    return identities_retention_purge()


@shared_task
def signin_logs_purge_task() -> int:
    from privacy.services import signin_logs_purge

    return signin_logs_purge()
