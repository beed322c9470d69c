"""Pin lists stay light: no unit boundary rides along with a report, and a pin's point is
written exactly as drf-gis writes it, without GDAL."""

import json
import random

import pytest
from django.contrib.gis.geos import Point
from rest_framework_gis.fields import GeometryField

from maps.selectors import map_with_details
from maps.serializers import PinPointField
from reports.models import Report


def test_a_pin_point_is_written_as_drf_gis_writes_it():
    rng = random.Random(13)
    points = [Point(rng.uniform(102.1, 103.6), rng.uniform(20.8, 22.6)) for _ in range(5000)]
    points += [Point(103.0, 21.5), Point(102.123456789, 21.0000001), Point(srid=4326)]
    for point in points:
        point.srid = 4326
        ours = json.dumps(PinPointField().to_representation(point))
        theirs = json.dumps(GeometryField().to_representation(point))
        assert ours == theirs


@pytest.mark.django_db
def test_pin_lists_read_no_commune_or_district_boundary():
    sql = str(map_with_details(Report.objects.all()).query)
    assert '"boundaries_adminunit"' in sql
    assert '."geom"' not in sql  # neither the commune's nor the district's (alias T5)
    assert '"reports_report"."point"' in sql
