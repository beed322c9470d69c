"""Query-string filters shared by every map layer and export, validated with clear messages."""

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from maps import hexgrid
from maps.selectors import MapFilters
from reports.models import Report

MAX_LIST_ITEMS = 50


class CommaListField(serializers.CharField):
    default_error_messages = {
        "control": _("Không được chứa ký tự điều khiển."),
        "too_many": _("Tối đa {max_items} giá trị."),
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # PostgreSQL text cannot hold a NUL byte: it would be a 500 in the query.
        if any(ord(char) < 32 for char in value):
            self.fail("control")
        items = tuple(item.strip() for item in value.split(",") if item.strip())
        if len(items) > MAX_LIST_ITEMS:
            self.fail("too_many", max_items=MAX_LIST_ITEMS)
        return items


class MapFilterSerializer(serializers.Serializer):
    category = CommaListField(required=False, help_text=_("mã lĩnh vực, cách nhau bởi dấu phẩy"))
    status = CommaListField(required=False, help_text=_("trạng thái, cách nhau bởi dấu phẩy"))
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    commune = serializers.RegexField(r"^\d{5}$", required=False)
    district = serializers.RegexField(r"^\d{3}$", required=False)
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)
    bbox = CommaListField(required=False, help_text="west,south,east,north (WGS 84)")

    def validate_status(self, value):
        unknown = sorted(set(value) - set(Report.Status.values))
        if unknown:
            raise serializers.ValidationError(
                gettext("Trạng thái không hợp lệ: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return value

    def validate_bbox(self, value):
        try:
            west, south, east, north = (float(v) for v in value)
        except ValueError as exc:
            raise serializers.ValidationError(
                gettext("bbox phải là 4 số: tây,nam,đông,bắc.")
            ) from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError(gettext("bbox không hợp lệ (tây < đông, nam < bắc)."))
        return (west, south, east, north)

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": gettext("Ngày kết thúc trước ngày bắt đầu.")}
            )
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


class HexGridSerializer(serializers.Serializer):
    """Hexagon size of the heatmap and hotspot layers: by map zoom, or `cell` metres."""

    zoom = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=22,
        help_text=_("mức phóng bản đồ (0–22): chọn cỡ ô phù hợp"),
        error_messages={
            "invalid": _("phải là số nguyên."),
            "min_value": _("nhỏ nhất là {min_value}."),
            "max_value": _("lớn nhất là {max_value}."),
        },
    )
    cell = serializers.IntegerField(
        required=False,
        min_value=hexgrid.MIN_SIZE,
        max_value=hexgrid.MAX_SIZE,
        help_text=lazy(
            lambda: (
                gettext("cạnh ô lục giác, mét (%(min)s–%(max)s); ưu tiên hơn zoom")
                % {"min": hexgrid.MIN_SIZE, "max": hexgrid.MAX_SIZE}
            ),
            str,
        )(),
        error_messages={
            "invalid": _("cỡ ô phải là số nguyên (mét)."),
            "min_value": _("cỡ ô nhỏ nhất là {min_value} m."),
            "max_value": _("cỡ ô lớn nhất là {max_value} m."),
        },
    )


def hex_size_parse(params, *, default: int | None = None) -> int:
    """The hexagon size (metres) the query string asks for; `default` when it names none
    (else the size for zoom 9). Raises serializers.ValidationError naming the field."""
    query = HexGridSerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    if "cell" in data:
        return data["cell"]
    if "zoom" in data:
        return hexgrid.size_for_zoom(data["zoom"])
    return default or hexgrid.size_for_zoom(9)
