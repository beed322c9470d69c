"""GeoJSON features for map layers. Allow-listed fields only: never the reporter's identity."""

import re

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework_gis.fields import GeoJsonDict, GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from reports.deadlines import report_is_overdue
from reports.models import Report

# A reference made only of these characters reverses to itself (nothing to quote).
PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9-]+")
REFERENCE_SLOT = "REFERENCE0SLOT"


class PinPointField(GeometryField):
    """A 2D point as drf-gis writes it, straight from its coordinates: drf-gis converts each pin
    through GDAL twice, which writes 15 decimals (hence the rounding: same numbers)."""

    def to_representation(self, value):
        if value is None or value.empty or value.hasz or value.geom_type != "Point":
            return super().to_representation(value)
        x, y = value.coords
        return GeoJsonDict([("type", "Point"), ("coordinates", [round(x, 15), round(y, 15)])])


class PublicReportFeatureSerializer(GeoFeatureModelSerializer):
    """Thousands of pins per answer: per-row work stays plain (no GDAL, no signature
    inspection of get_status_display, one reverse() per answer)."""

    point = PinPointField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.SerializerMethodField()
    commune = serializers.CharField(source="commune.full_name")
    created = serializers.SerializerMethodField()
    closed = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    after_photo = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        geo_field = "point"
        id_field = False
        fields = (
            "reference",
            "title",
            "category",
            "category_name",
            "status",
            "status_label",
            "commune",
            "created",
            "closed",
            "photo",
            "after_photo",
            "url",
        )

    @staticmethod
    def _date(value) -> str | None:
        return timezone.localtime(value).date().isoformat() if value else None

    def get_created(self, report: Report) -> str | None:
        return self._date(report.created_at)

    def get_closed(self, report: Report) -> str | None:
        return self._date(report.closed_at)

    def get_photo(self, report: Report) -> str | None:
        name = getattr(report, "photo", None)
        return default_storage.url(name) if name else None

    def get_after_photo(self, report: Report) -> str | None:
        """The fix's photo (thumbnail), where the policy makes it public (maps.selectors)."""
        name = getattr(report, "after_photo", None)
        return default_storage.url(name) if name else None

    def get_status_label(self, report: Report) -> str:
        return report.get_status_display()

    def get_url(self, report: Report) -> str | None:
        reference = report.reference
        if not reference:
            return None
        if not PLAIN_REFERENCE.fullmatch(reference):
            return reverse("reports-web:detail", kwargs={"reference": reference})
        if not hasattr(self, "_url_template"):
            self._url_template = reverse("reports-web:detail", kwargs={"reference": REFERENCE_SLOT})
        return self._url_template.replace(REFERENCE_SLOT, reference)


def time_left_class(report: Report, *, now, soon_cutoff) -> str:
    """on_time / due_soon (within 1 working day) / overdue, from the report's handling deadline."""
    if report.is_overdue or report_is_overdue(report, now=now):
        return "overdue"
    if report.due_at and report.due_at <= soon_cutoff:
        return "due_soon"
    return "on_time"


class OfficerReportFeatureSerializer(PublicReportFeatureSerializer):
    due = serializers.SerializerMethodField()
    time_left = serializers.SerializerMethodField()
    agency = serializers.CharField(source="current_agency.name", default=None)

    class Meta(PublicReportFeatureSerializer.Meta):
        fields = (
            *PublicReportFeatureSerializer.Meta.fields,
            "urgent",
            "is_overdue",
            "due",
            "time_left",
            "agency",
        )

    def get_due(self, report: Report) -> str | None:
        return timezone.localtime(report.due_at).isoformat() if report.due_at else None

    def get_time_left(self, report: Report) -> str:
        return time_left_class(
            report, now=self.context["now"], soon_cutoff=self.context["soon_cutoff"]
        )
