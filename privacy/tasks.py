from gis_portal.celery import app


@app.task
def identities_retention_purge_task() -> int:
    from privacy.services import identities_retention_purge

    return identities_retention_purge()


@app.task
def signin_logs_purge_task() -> int:
    from privacy.services import signin_logs_purge

    return signin_logs_purge()
