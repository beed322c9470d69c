from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.serializers import CoordinatesSerializer
from routing_rules.models import Agency, Category, SpecialZone


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("code", "name", "group", "description", "keywords", "urgent_hint", "sort_order")


class AgencyRefSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Agency
        fields = ("code", "name", "kind", "kind_display")


class AgencySerializer(AgencyRefSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Agency
        fields = (
            "code",
            "name",
            "kind",
            "kind_display",
            "parent",
            "jurisdiction_codes",
            "email",
            "phone",
            "is_active",
        )


def _invalid_choice(values) -> str:
    """DRF fills {input}; the allowed codes are listed in the message."""
    return lazy(
        lambda: gettext('"{input}" không hợp lệ: %(choices)s.') % {"choices": ", ".join(values)},
        str,
    )()


class AgencyQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Agency.Kind.values,
        required=False,
        error_messages={"invalid_choice": _invalid_choice(Agency.Kind.values)},
    )
    parent = serializers.SlugField(required=False)
    jurisdiction = serializers.RegexField(
        r"^\d{2,5}$",
        required=False,
        error_messages={"invalid": _("phải là mã đơn vị (2–5 chữ số).")},
    )
    search = serializers.CharField(required=False, max_length=100)
    include_inactive = serializers.BooleanField(required=False, default=False)


class SpecialZoneSerializer(GeoFeatureModelSerializer):
    # A GeneratedField is not a geometry field to DRF: declare it so it comes out as GeoJSON.
    area = GeometryField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display")
    managing_agency = serializers.CharField(
        source="managing_agency.code", allow_null=True, default=None
    )

    class Meta:
        model = SpecialZone
        geo_field = "area"
        id_field = "code"
        fields = (
            "code",
            "name",
            "kind",
            "kind_display",
            "description",
            "buffer_m",
            "managing_agency",
            "approximate",
        )


class SpecialZoneQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SpecialZone.Kind.values,
        required=False,
        error_messages={"invalid_choice": _invalid_choice(SpecialZone.Kind.values)},
    )


class RoutePreviewQuerySerializer(CoordinatesSerializer):
    category = serializers.SlugField(error_messages={"required": _("bắt buộc phải có.")})
    urgent = serializers.BooleanField(required=False, default=False)
    text = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)
    at = serializers.DateTimeField(
        required=False, error_messages={"invalid": _("phải là thời điểm ISO 8601.")}
    )

    def validate_category(self, value: str) -> str:
        if not Category.objects.filter(code=value, is_active=True).exists():
            raise serializers.ValidationError(
                gettext("không có lĩnh vực đang dùng mã «%(code)s».") % {"code": value}
            )
        return value


class RuleRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    priority = serializers.IntegerField()


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_name = serializers.CharField()


class RoutePreviewSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    coordinators = AgencyRefSerializer(many=True)
    rule = RuleRefSerializer(allow_null=True)
    fallback = serializers.BooleanField()
    explanation = serializers.ListField(child=serializers.CharField())
    matched_conditions = serializers.DictField()
    zones = serializers.ListField(child=serializers.CharField(), source="zone_codes")
    commune = UnitSerializer(source="location.commune")
    district = UnitSerializer(source="location.district", allow_null=True)
    locate_method = serializers.CharField(source="location.method")
    edition = serializers.CharField(source="location.edition")
