"""Query-string filters shared by every map layer and export, validated with clear messages."""

from rest_framework import serializers

from maps.selectors import MapFilters
from reports.models import Report


class CommaListField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return tuple(item.strip() for item in value.split(",") if item.strip())


class MapFilterSerializer(serializers.Serializer):
    category = CommaListField(required=False, help_text="mã lĩnh vực, cách nhau bởi dấu phẩy")
    status = CommaListField(required=False, help_text="trạng thái, cách nhau bởi dấu phẩy")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    commune = serializers.RegexField(r"^\d{5}$", required=False)
    district = serializers.RegexField(r"^\d{3}$", required=False)
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)
    bbox = CommaListField(required=False, help_text="west,south,east,north (WGS 84)")

    def validate_status(self, value):
        unknown = sorted(set(value) - set(Report.Status.values))
        if unknown:
            raise serializers.ValidationError(f"Trạng thái không hợp lệ: {', '.join(unknown)}.")
        return value

    def validate_bbox(self, value):
        try:
            west, south, east, north = (float(v) for v in value)
        except ValueError as exc:
            raise serializers.ValidationError("bbox phải là 4 số: tây,nam,đông,bắc.") from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError("bbox không hợp lệ (tây < đông, nam < bắc).")
        return (west, south, east, north)

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": "Ngày kết thúc trước ngày bắt đầu."})
        return attrs


def map_filters_parse(params) -> MapFilters:
    """MapFilters from a QueryDict; raises serializers.ValidationError naming the field."""
    serializer = MapFilterSerializer(data=params)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    return MapFilters(
        categories=data.get("category", ()),
        statuses=data.get("status", ()),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        commune=data.get("commune"),
        district=data.get("district"),
        urgent=data.get("urgent"),
        bbox=data.get("bbox"),
    )
