"""Django admin for every report model. Workflow changes go through the services, so
non-superusers only read, and fields pointing at a person are hidden from them: a reporter's
account is their identity."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.gis.admin import GISModelAdmin

from reports import models, policy
from reports.services.identity import identity_read_record


class ConfidentialAdmin(admin.ModelAdmin):
    """Read-only for staff, rows scoped by the reports policy, person fields stripped."""

    person_fields: tuple[str, ...] = ()
    # The policy's table-wide selector for this model: `fn(*, user) -> QuerySet`.
    scope = staticmethod(policy.reports_visible)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(pk__in=type(self).scope(user=request.user).values("pk"))

    def _strip(self, request, names):
        if request.user.is_superuser:
            return list(names)
        return [n for n in names if n not in self.person_fields]

    def get_list_display(self, request):
        return self._strip(request, super().get_list_display(request))

    def get_list_filter(self, request):
        return self._strip(request, super().get_list_filter(request))

    def get_search_fields(self, request):
        return self._strip(request, super().get_search_fields(request))

    def get_fields(self, request, obj=None):
        return self._strip(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return self._strip(request, [f.name for f in self.model._meta.fields])

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "agency", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Vai trò", {"fields": ["role", "agency", "full_name", "phone"]}),
    ]

    def get_queryset(self, request):
        visible = policy.accounts_visible(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(models.Report)
class ReportAdmin(ConfidentialAdmin, GISModelAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "status",
        "urgent",
        "hidden",
        "is_overdue",
        "commune",
        "current_agency",
        "created_at",
        "due_at",
    ]
    list_filter = ["status", "urgent", "hidden", "is_overdue", "category"]
    search_fields = ["reference", "title"]
    list_select_related = ["category", "commune", "current_agency"]
    raw_id_fields = ["commune", "district", "duplicate_of"]
    internal_fields = ("hidden_reason",)

    def _sees_internal(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return policy.user_is_ioc(request.user)
        viewer = policy.report_viewer(user=request.user, report=obj)
        return policy.viewer_sees_internal(viewer)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._sees_internal(request, obj):
            return fields
        return [f for f in fields if f not in self.internal_fields]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self._sees_internal(request, obj):
            return fields
        return [f for f in fields if f not in self.internal_fields]


@admin.register(models.ReporterIdentity)
class ReporterIdentityAdmin(SuperuserOnlyAdmin):
    list_display = ["report"]
    raw_id_fields = ["report", "user"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening the form shows the identity: audited like every other staff read.
        identity = self.get_object(request, object_id)
        if identity is not None and request.method == "GET":
            identity_read_record(
                actor=request.user, report=identity.report, reason="Xem trong trang quản trị"
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(models.IdentityConsent)
class IdentityConsentAdmin(SuperuserOnlyAdmin):
    list_display = ["identity", "agency", "granted_at", "revoked_at"]


@admin.register(models.Transition)
class TransitionAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.transitions_visible)
    list_display = ["report", "action", "from_status", "to_status", "actor_label", "created_at"]
    list_filter = ["action"]
    person_fields = ("actor",)
    list_select_related = ["report"]


@admin.register(models.Assignment)
class AssignmentAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.assignments_visible)
    list_display = ["report", "agency", "suggested_agency", "active", "created_at"]
    list_select_related = ["report", "agency", "suggested_agency"]


@admin.register(models.Extension)
class ExtensionAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.extensions_visible)
    list_display = ["report", "agency", "days", "state", "created_at"]


@admin.register(models.Result)
class ResultAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.results_visible)
    list_display = ["report", "agency", "state", "is_public", "created_at"]


@admin.register(models.Rating)
class RatingAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.ratings_visible)
    list_display = ["report", "value", "created_at"]
    person_fields = ("user",)


@admin.register(models.Comment)
class CommentAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.comments_visible_all)
    list_display = ["report", "author_label", "internal", "created_at"]
    person_fields = ("author",)


@admin.register(models.Media)
class MediaAdmin(ConfidentialAdmin):
    scope = staticmethod(policy.media_visible)
    list_display = ["report", "kind", "content_type", "size", "created_at"]


@admin.register(models.Follow)
class FollowAdmin(SuperuserOnlyAdmin):
    list_display = ["report", "created_at"]


@admin.register(models.Notification)
class NotificationAdmin(SuperuserOnlyAdmin):
    list_display = ["title", "report", "created_at", "read_at", "emailed_at"]


@admin.register(models.AuditLog)
class AuditLogAdmin(ConfidentialAdmin):
    """The audit log is evidence: nobody edits or deletes it here, superusers included."""

    list_display = ["action", "report", "actor", "reason", "created_at"]
    list_filter = ["action"]
    scope = staticmethod(policy.audit_log_visible)

    def has_module_permission(self, request):
        return request.user.is_superuser or policy.user_is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.IdempotencyKey)
class IdempotencyKeyAdmin(SuperuserOnlyAdmin):
    list_display = ["scope", "key", "report", "created_at"]
