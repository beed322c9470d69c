"""API shapes. No output serializer has a field for the reporter's identity."""

from django.core.files.storage import default_storage
from rest_framework import serializers

from reports import inputs
from reports.models import (
    Comment,
    Extension,
    Media,
    Notification,
    Rating,
    Report,
    Result,
    Transition,
)
from reports.routing import suggest_agency, suggestion_sign
from routing_rules.models import Agency, Category
from routing_rules.selectors import category_by_code

# --- input ---------------------------------------------------------------------------------


class CodeRelatedField(serializers.SlugRelatedField):
    """An object named by its code. PostgreSQL text cannot hold a NUL byte, so a code with one
    is answered as unknown (400 naming the field) instead of reaching the query (500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ActiveCategoryField(CodeRelatedField):
    """An active category named by its code, found in the process's cache of categories
    (routing_rules.selectors.category_by_code): a submission reads no category row. The same
    answers as the queryset's (kept for the schema)."""

    def to_internal_value(self, data):
        if not isinstance(data, str | int | float):
            self.fail("invalid")
        code = str(data)
        if "\x00" in code:
            self.fail("does_not_exist", slug_name=self.slug_field, value=code.replace("\x00", ""))
        category = category_by_code(code=code)
        if category is None or not category.is_active:
            self.fail("does_not_exist", slug_name=self.slug_field, value=code)
        return category


class ReportSubmitSerializer(serializers.Serializer):
    category = ActiveCategoryField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    title = serializers.CharField(max_length=inputs.TITLE_MAX)
    description = serializers.CharField(max_length=inputs.DESCRIPTION_MAX)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    location_source = serializers.ChoiceField(
        choices=Report.LocationSource.choices, default=Report.LocationSource.PIN
    )
    full_name = serializers.CharField(max_length=inputs.NAME_MAX, required=False, allow_blank=True)
    phone = serializers.RegexField(
        inputs.PHONE_PATTERN, max_length=20, required=False, allow_blank=True
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    incident_at = serializers.DateTimeField(required=False, allow_null=True)
    urgent = serializers.BooleanField(default=False)
    private_result = serializers.BooleanField(default=False)
    media = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=20
    )
    # The installable app sends its own name; any other client is the API.
    channel = serializers.ChoiceField(
        choices=[(c, Report.Channel(c).label) for c in (Report.Channel.API, Report.Channel.APP)],
        default=Report.Channel.API,
    )


class NearbyQuerySerializer(serializers.Serializer):
    category = CodeRelatedField(slug_field="code", queryset=Category.objects.all())
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class AddressQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=300)


class AddressMatchSerializer(serializers.Serializer):
    commune_code = serializers.CharField()
    commune_name = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    converted_from = serializers.CharField(allow_null=True)


class PhotoSerializer(serializers.Serializer):
    photo = serializers.FileField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RejectSerializer(ReasonSerializer):
    resubmit_hint = serializers.CharField(max_length=2000)


class AssignSerializer(serializers.Serializer):
    agency = CodeRelatedField(slug_field="code", queryset=Agency.objects.all())
    override_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    coordinators = CodeRelatedField(
        slug_field="code", queryset=Agency.objects.all(), many=True, required=False
    )
    # The signed suggestion the IOC was shown (detail page or API `assign_suggestion`).
    suggestion_token = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class CategoryChangeSerializer(serializers.Serializer):
    category = CodeRelatedField(slug_field="code", queryset=Category.objects.all())
    reason = serializers.CharField(max_length=2000)
    reroute = serializers.BooleanField(required=False, allow_null=True, default=None)


class InviteSerializer(serializers.Serializer):
    agencies = CodeRelatedField(slug_field="code", queryset=Agency.objects.all(), many=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ExtensionRequestSerializer(ReasonSerializer):
    days = serializers.IntegerField(min_value=1, max_value=30)


class ExtensionDecideSerializer(serializers.Serializer):
    extension = serializers.IntegerField()
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ResultSubmitSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    # Multipart photos of the fix; the service checks them (type, size, count, required).
    before_photos = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=20
    )
    after_photos = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=20
    )


class PublishSerializer(serializers.Serializer):
    edited_text = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class RateSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Rating.Value.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    internal = serializers.BooleanField(default=False)


class EmptySerializer(serializers.Serializer):
    pass


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)
    full_name = serializers.CharField(max_length=inputs.NAME_MAX)
    phone = serializers.RegexField(inputs.PHONE_PATTERN, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)


# --- output --------------------------------------------------------------------------------


class ReportListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")
    commune = serializers.CharField(source="commune.code")
    commune_name = serializers.CharField(source="commune.full_name")
    district_name = serializers.CharField(source="district.full_name", default=None)
    agency = serializers.CharField(source="current_agency.name", default=None)
    lon = serializers.FloatField(source="point.x")
    lat = serializers.FloatField(source="point.y")

    class Meta:
        model = Report
        fields = [
            "reference",
            "title",
            "category",
            "category_name",
            "status",
            "status_label",
            "urgent",
            "hidden",
            "is_overdue",
            "commune",
            "commune_name",
            "district_name",
            "agency",
            "lon",
            "lat",
            "created_at",
            "due_at",
        ]


class NearbySerializer(ReportListSerializer):
    distance_m = serializers.FloatField()

    class Meta(ReportListSerializer.Meta):
        fields = [*ReportListSerializer.Meta.fields, "distance_m"]


class TransitionSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display")
    actor_label = serializers.CharField(source="actor_label_shown")

    class Meta:
        model = Transition
        fields = [
            "action",
            "action_label",
            "from_status",
            "to_status",
            "actor_label",
            "reason",
            "public",
            "created_at",
        ]


class CommentSerializer(serializers.ModelSerializer):
    author_label = serializers.CharField(source="author_label_shown")

    class Meta:
        model = Comment
        fields = ["id", "author_label", "body", "internal", "created_at"]


class MediaSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="file", use_url=True)
    thumbnails = serializers.SerializerMethodField()

    class Meta:
        model = Media
        fields = ["kind", "url", "content_type", "size", "width", "height", "thumbnails"]

    def get_thumbnails(self, media: Media) -> dict:
        """{"320": {"url", "width", "height"}, "1280": …}: sides the photo exceeds."""
        request = self.context.get("request")
        found = {}
        for side, thumb in (media.thumbnails or {}).items():
            url = default_storage.url(thumb["name"])
            found[side] = {
                "url": request.build_absolute_uri(url) if request else url,
                "width": thumb["width"],
                "height": thumb["height"],
            }
        return found


class ExtensionSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")

    class Meta:
        model = Extension
        fields = ["id", "agency", "days", "reason", "state", "new_due_at", "created_at"]


class ResultSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="final_text")
    agency = serializers.CharField(source="agency.name")
    rating = serializers.CharField(source="rating.value", default=None)

    class Meta:
        model = Result
        fields = ["text", "agency", "is_public", "decided_at", "rating"]


class ReportDetailSerializer(ReportListSerializer):
    description = serializers.CharField()
    duplicate_of = serializers.CharField(source="duplicate_of.reference", default=None)
    # A merged report follows the status of the report it was merged into.
    duplicate_of_status = serializers.CharField(source="duplicate_of.status", default=None)
    media = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    viewer = serializers.SerializerMethodField()

    class Meta(ReportListSerializer.Meta):
        fields = [
            *ReportListSerializer.Meta.fields,
            "description",
            "incident_at",
            "private_result",
            "location_source",
            "verify_due_at",
            "closed_at",
            "duplicate_of",
            "duplicate_of_status",
            "media",
            "result",
            "timeline",
            "comments",
            "extensions",
            "actions",
            "assign_suggestion",
            "assigned_officer",
            "viewer",
        ]

    actions = serializers.SerializerMethodField()
    assign_suggestion = serializers.SerializerMethodField()
    assigned_officer = serializers.SerializerMethodField()

    def _detail(self):
        return self.context["detail"]

    def get_result(self, report: Report) -> dict | None:
        """The published result, with its photos of the fix where the policy shows them."""
        detail = self._detail()
        if detail.result is None:
            return None
        return {
            **ResultSerializer(detail.result).data,
            "evidence": self._evidence(detail.result_evidence),
        }

    def _evidence(self, evidence) -> dict:
        return {
            role: MediaSerializer(getattr(evidence, role), many=True, context=self.context).data
            for role in ("before", "after")
        }

    def get_timeline(self, report: Report) -> list[dict]:
        return TransitionSerializer(self._detail().timeline, many=True).data

    def get_comments(self, report: Report) -> list[dict]:
        return CommentSerializer(self._detail().comments, many=True).data

    def get_extensions(self, report: Report) -> list[dict]:
        """Extension requests are internal: only staff handling the report see them."""
        return ExtensionSerializer(self._detail().extensions, many=True).data

    def get_media(self, report: Report) -> list[dict]:
        return MediaSerializer(self._detail().media, many=True, context=self.context).data

    def get_actions(self, report: Report) -> list[str]:
        """What the asking user may do now, as the policy says (the page shows the same)."""
        return sorted(self._detail().actions)

    def get_assign_suggestion(self, report: Report) -> dict | None:
        """For the IOC, while it may assign: the routing suggestion and its signed token, to
        send back with the assign action so the choice is checked against what was shown."""
        if "assign" not in self._detail().actions:
            return None
        suggestion = suggest_agency(report)
        return {
            "agency": suggestion.agency.code if suggestion.agency else None,
            "agency_name": suggestion.agency.name if suggestion.agency else None,
            "explanation": suggestion.explanation,
            "token": suggestion_sign(report=report, suggestion=suggestion),
        }

    def get_assigned_officer(self, report: Report) -> str | None:
        """Staff handling the case see which officer has it (a name; never the reporter's)."""
        officer = report.assigned_officer
        if officer is None or not self._detail().sees_internal:
            return None
        return officer.full_name or officer.username

    def get_viewer(self, report: Report) -> dict:
        detail = self._detail()
        return {"is_reporter": detail.is_reporter, "sees_internal": detail.sees_internal}


class ReportLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="The report in the API (GET: the whole detail).")
    web = serializers.URLField(help_text="The report's page on the portal.")


class ReportCreatedSerializer(serializers.Serializer):
    """What a submission answers (201, and 200 for a retry with the same Idempotency-Key): the
    reference and where the report is; its detail is one GET of `links.self` away."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Report.Status.choices)
    status_label = serializers.CharField()
    links = ReportLinksSerializer()


class NotificationSerializer(serializers.ModelSerializer):
    report = serializers.CharField(source="report.reference", default=None)

    class Meta:
        model = Notification
        fields = ["id", "report", "title", "body", "created_at", "read_at"]


class IdentitySerializer(serializers.Serializer):
    full_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
