import os

from django.core.asgi import get_asgi_application

# Servers and workers run production settings unless told otherwise (scripts/run.sh says
# local): those refuse to start without real secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.production")
application = get_asgi_application()
