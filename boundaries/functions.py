from django.conf import settings
from django.contrib.gis.db.models.functions import GeomOutputGeoFunc, Transform
from django.db.models import Value


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    function = "ST_SimplifyPreserveTopology"


def simplified_in_metres(field: str, tolerance_m: float):
    """Simplify in the metric CRS so the tolerance is in metres, then return to WGS 84."""
    metric = Transform(field, settings.BOUNDARIES_METRIC_SRID)
    return Transform(SimplifyPreserveTopology(metric, Value(tolerance_m)), 4326)
