"""GeoJSON features for map layers. Allow-listed fields only: never the reporter's identity."""

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from reports.deadlines import report_is_overdue
from reports.models import Report


class PublicReportFeatureSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")
    commune = serializers.CharField(source="commune.full_name")
    created = serializers.SerializerMethodField()
    closed = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
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

    def get_url(self, report: Report) -> str | None:
        if not report.reference:
            return None
        return reverse("reports-web:detail", kwargs={"reference": report.reference})


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
