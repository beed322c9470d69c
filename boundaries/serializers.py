import math
from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import AdminUnit


def finite_number(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError(
            gettext("%(field)s phải là một số hữu hạn (không phải NaN/vô cực).") % {"field": field}
        )
    return value


NUMBER_ERRORS = {
    "required": _("bắt buộc phải có."),
    "null": _("bắt buộc phải có."),
    "invalid": _("phải là một số."),
    "max_value": _("phải nhỏ hơn hoặc bằng {max_value}."),
    "min_value": _("phải lớn hơn hoặc bằng {min_value}."),
    "max_string_length": _("quá dài."),
}
DATE_ERRORS = {"invalid": _("phải là ngày dạng YYYY-MM-DD.")}


class CoordinatesSerializer(serializers.Serializer):
    """WGS 84 `lat`/`lon` query parameters: present, numeric, finite and in range."""

    lat = serializers.FloatField(min_value=-90, max_value=90, error_messages=NUMBER_ERRORS)
    lon = serializers.FloatField(min_value=-180, max_value=180, error_messages=NUMBER_ERRORS)

    def validate_lat(self, value: float) -> float:
        return finite_number(value, "lat")

    def validate_lon(self, value: float) -> float:
        return finite_number(value, "lon")


class LocateInputSerializer(CoordinatesSerializer):
    at = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
    )


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    full_name = serializers.CharField()


class CommuneRefSerializer(UnitRefSerializer):
    type = serializers.CharField(source="unit_type")


class LocationSerializer(serializers.Serializer):
    province = UnitRefSerializer()
    district = UnitRefSerializer(allow_null=True)
    commune = CommuneRefSerializer()
    method = serializers.CharField()
    distance_m = serializers.FloatField()
    edition = serializers.CharField()


# /api/v1/locate answers from memory in ~0.1 ms; building DRF serializers (fields deep-copied
# per instance) cost it ten times that. The two functions below give the same values for the
# common case and leave everything else to the serializers above (tests/boundaries compare).
def locate_query_fast(params) -> dict | None:
    """LocateInputSerializer's validated_data for a plain `lat`/`lon` query, else None."""
    if "at" in params:
        return None
    lat, lon = params.get("lat"), params.get("lon")
    if not isinstance(lat, str) or not isinstance(lon, str) or len(lat) + len(lon) > 200:
        return None
    try:
        lat_value, lon_value = float(lat), float(lon)
    except ValueError:
        return None
    if -90 <= lat_value <= 90 and -180 <= lon_value <= 180:  # NaN fails both, infinities too
        return {"lat": lat_value, "lon": lon_value}
    return None


# Characters a query-string value can hold that URL decoding leaves as they are ('+' is not
# one: it decodes to a space), and that a plain decimal or exponent number is written with.
PLAIN_NUMBER = frozenset("0123456789.-eE")


def locate_query_string_fast(query: str) -> dict | None:
    """locate_query_fast(QueryDict(query)) for `lat=…&lon=…` (either order) written with
    PLAIN_NUMBER characters alone, read without building the QueryDict; else None."""
    first, separator, second = query.partition("&")
    if not separator:
        return None
    params = {}
    for part in (first, second):
        name, equals, value = part.partition("=")
        if (
            not equals
            or name not in ("lat", "lon")
            or name in params
            or not PLAIN_NUMBER.issuperset(value)
        ):
            return None
        params[name] = value
    return locate_query_fast(params)


def _unit_ref(unit) -> dict:
    return {"code": str(unit.code), "name": str(unit.name), "full_name": str(unit.full_name)}


def location_data(location) -> dict:
    """LocationSerializer(location).data, built directly."""
    commune = _unit_ref(location.commune)
    commune["type"] = str(location.commune.unit_type)
    return {
        "province": _unit_ref(location.province),
        "district": None if location.district is None else _unit_ref(location.district),
        "commune": commune,
        "method": str(location.method),
        "distance_m": float(location.distance_m),
        "edition": str(location.edition),
    }


_RENDERER = JSONRenderer()


def location_json(location) -> bytes:
    """location_data(location) as the API's JSONRenderer renders it for `Accept: */*`."""
    if location.method == "contains":
        return _contains_json(location)
    return _RENDERER.render(location_data(location), "application/json", {})


@lru_cache(maxsize=4096)
def _contains_json(location) -> bytes:
    # A commune found by the index is one immutable Location per commune (selectors._contains).
    return _RENDERER.render(location_data(location), "application/json", {})


class AdminUnitSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(source="geom_out", read_only=True)
    edition = serializers.CharField(source="edition.slug")
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    former = serializers.BooleanField(source="is_former")
    display_name = serializers.CharField()
    administration_ended = serializers.DateField(allow_null=True)

    class Meta:
        model = AdminUnit
        geo_field = "geom"
        id_field = "code"
        fields = (
            "code",
            "level",
            "name",
            "full_name",
            "display_name",
            "unit_type",
            "name_en",
            "province_code",
            "parent",
            "former",
            "administration_ended",
            "area_km2",
            "edition",
        )


class BoundaryQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=AdminUnit.Level.values,
        required=False,
        error_messages={
            "invalid_choice": _('"{input}" không hợp lệ: province, district hoặc commune.')
        },
    )
    edition = serializers.SlugField(required=False)
    at = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
    )
    province = serializers.RegexField(
        r"^\d{2}$", required=False, error_messages={"invalid": _("phải là mã tỉnh 2 chữ số.")}
    )
    parent = serializers.RegexField(
        r"^\d{2,5}$",
        required=False,
        error_messages={"invalid": _("phải là mã đơn vị (2–5 chữ số).")},
    )
    simplify = serializers.FloatField(
        required=False, min_value=0, max_value=10_000, error_messages=NUMBER_ERRORS
    )

    def validate_simplify(self, value: float) -> float:
        return finite_number(value, "simplify")
