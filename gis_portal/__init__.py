"""The project's configuration. The Celery app is gis_portal.celery (`celery --app gis_portal`
finds it there), imported by every tasks module: a web worker that sends no task never loads
Celery (the outbox relay, in the workers, sends them)."""
