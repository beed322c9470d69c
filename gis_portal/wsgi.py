import os

from django.core.wsgi import get_wsgi_application

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")
application = get_wsgi_application()
