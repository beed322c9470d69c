import os

from celery import Celery

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")

app = Celery("gis_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
