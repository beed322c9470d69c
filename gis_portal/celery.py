import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

app = Celery("gis_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
