"""Map widget for the admin with OpenLayers served from our own static files (no CDN)."""

from django.contrib.gis.forms.widgets import OSMWidget

OL = "routing_rules/vendor/ol-7.2.2"


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget, centred on Điện Biên Phủ, with OpenLayers self-hosted.

    Only the base-layer tiles come from OpenStreetMap (harmless when offline: the drawing
    still works on a blank map); no script or stylesheet is fetched from elsewhere.
    """

    default_lon = 103.02
    default_lat = 21.39
    default_zoom = 12

    class Media:
        extend = False
        css = {"all": (f"{OL}/ol.css", "gis/css/ol3.css")}
        js = (f"{OL}/ol.js", "gis/js/OLMapWidget.js")
