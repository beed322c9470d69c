"""Celery tasks: thin wrappers."""

from gis_portal.celery import app
from suggest.services import suggest_model_retrain


@app.task
def suggest_retrain_task() -> int | None:
    """Relearn the category suggestion from the verified reports (CELERY_BEAT_SCHEDULE
    "suggest-retrain"); the web workers load the new model within SUGGEST_MODEL_CHECK_SECONDS."""
    return suggest_model_retrain().version
