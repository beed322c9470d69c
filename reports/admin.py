"""Django admin for every report model. Workflow changes go through the services, so
non-superusers only read, and fields pointing at a person are hidden from them: a reporter's
account is their identity."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

from reports import models, policy
from reports.record_text import record_text
from reports.services.identity import (
    AccountRead,
    account_reads_record,
    identity_read_record,
    token_reads_record,
)

# Audit-log reasons: the record's language (reports.record_text).
READ_REASON = record_text("Xem trong trang quản trị")
LIST_REASON = record_text("Xem danh sách trong trang quản trị")
PAGE_REASONS = {
    "delete": record_text("Xem trang xóa trong trang quản trị"),
    "history": record_text("Xem lịch sử thay đổi trong trang quản trị"),
    "password": record_text("Xem trang đổi mật khẩu trong trang quản trị"),
}


def rendered(response, key: str):
    """What a rendered admin page shows under `key` (None for redirects and refusals)."""
    if response.status_code != 200:
        return None
    return (getattr(response, "context_data", None) or {}).get(key)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record no one edits in the admin, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadAuditedAdmin(admin.ModelAdmin):
    """Writes down every page showing someone's account data, whoever opens it (superusers
    included). The entry is written before the page is rendered, so no unrecorded read
    reaches the browser."""

    # Foreign keys to the user whose data a change page shows.
    subject_fields: tuple[str, ...] = ()
    # The list page shows those users' data too.
    list_shows_subjects = False
    record_reads = staticmethod(account_reads_record)

    def shown_subject_fields(self, request) -> list[str]:
        return list(self.subject_fields)

    def subject_reads(self, request, obj) -> list[AccountRead]:
        report_id = getattr(obj, "report_id", None)
        names = self.shown_subject_fields(request)
        ids = [getattr(obj, f"{name}_id") for name in names]
        return [(user_id, report_id) for user_id in ids if user_id is not None]

    def audit_reads(self, request, objects, reason: str) -> None:
        reads = [read for obj in objects for read in self.subject_reads(request, obj)]
        if reads:
            self.record_reads(actor=request.user, reads=reads, reason=reason)

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A drop-down would put every account's name (citizens' too) on the form, unaudited;
        # the raw id widget shows only the one chosen, which the change view audits.
        to_user = [
            f.name
            for f in model._meta.fields
            if (f.many_to_one or f.one_to_one) and f.related_model is models.User
        ]
        self.raw_id_fields = [
            *self.raw_id_fields,
            *(n for n in to_user if n not in self.raw_id_fields),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = rendered(response, "original")
        if obj is not None:
            self.audit_reads(request, [obj], READ_REASON)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.list_shows_subjects:
            changelist = rendered(response, "cl")
            # Without a list, the page may be a bulk action's confirmation naming its rows.
            rows = changelist.result_list if changelist else rendered(response, "queryset")
            self.audit_reads(request, rows or [], LIST_REASON)
        return response


class ConfidentialAdmin(ReadAuditedAdmin):
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

    def shown_subject_fields(self, request) -> list[str]:
        return self._strip(request, self.person_fields)

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


class SuperuserOnlyAdmin(ReadAuditedAdmin):
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
class UserAdmin(ReadAuditedAdmin, BaseUserAdmin):
    """A citizen's account is their identity: every page showing one is audited."""

    list_display = ["username", "role", "agency", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (gettext_lazy("Vai trò"), {"fields": ["role", "agency", "full_name", "phone"]}),
    ]
    list_shows_subjects = True

    def get_queryset(self, request):
        visible = policy.accounts_visible(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def subject_reads(self, request, obj) -> list[AccountRead]:
        return [(obj.pk, None)]

    def _audit_page(self, request, response, key: str, page: str):
        obj = rendered(response, key)
        if obj is not None:
            self.audit_reads(request, [obj], PAGE_REASONS[page])
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._audit_page(request, response, "object", "delete")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._audit_page(request, response, "object", "history")

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        return self._audit_page(request, response, "original", "password")


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
        # The form (first shown or re-shown with errors) shows the identity: audited like
        # every other staff read.
        response = super().change_view(request, object_id, form_url, extra_context)
        identity = rendered(response, "original")
        if identity is not None:
            identity_read_record(actor=request.user, report=identity.report, reason=READ_REASON)
        return response


@admin.register(models.IdentityConsent)
class IdentityConsentAdmin(SuperuserOnlyAdmin):
    """Whether a reporter lets an agency see who they are is theirs: audited list and form."""

    list_display = ["identity", "agency", "granted_at", "revoked_at"]
    list_select_related = ["identity"]
    list_shows_subjects = True

    def subject_reads(self, request, obj) -> list[AccountRead]:
        return [(obj.identity.user_id, obj.identity.report_id)]


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
    subject_fields = ("user",)


@admin.register(models.Notification)
class NotificationAdmin(SuperuserOnlyAdmin):
    list_display = ["title", "report", "created_at", "read_at", "emailed_at"]
    subject_fields = ("user",)


@admin.register(models.AuditLog)
class AuditLogAdmin(ReadOnlyAdmin, ConfidentialAdmin):
    """The audit log is evidence: nobody edits or deletes it here, superusers included."""

    list_display = ["action", "report", "actor", "reason", "created_at"]
    list_filter = ["action"]
    scope = staticmethod(policy.audit_log_visible)
    fields = ["action", "actor", "report", "subject_account", "reason", "created_at"]
    readonly_fields = ["subject_account", "created_at"]
    person_fields = ("subject_account",)

    @admin.display(description=gettext_lazy("tài khoản được xem (mã)"))
    def subject_account(self, obj):
        # The id only: the log says whose data was read, never the data, so reading the log
        # is no read of an account (following the id to the account page is, and is audited).
        return obj.subject_user_id or "-"

    def shown_subject_fields(self, request) -> list[str]:
        return []

    def has_module_permission(self, request):
        return request.user.is_superuser or policy.user_is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)


@admin.register(models.IdempotencyKey)
class IdempotencyKeyAdmin(SuperuserOnlyAdmin):
    list_display = ["scope", "key", "report", "created_at"]
    subject_fields = ("user",)


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(ReadOnlyAdmin, ReadAuditedAdmin):
    """An API token is a credential, whoever owns it: the list says whose tokens exist and when
    they expire (audited) and nothing else. The digest is the row's key, so no page links to a
    row (its URL would carry it) and no form or action exists; tokens are revoked by their
    owner (logout), a password change or `manage.py api_tokens_revoke`."""

    list_display = ["user", "created", "expiry"]
    list_display_links = None
    list_filter = ["expiry"]
    ordering = ["-created"]
    actions = None
    subject_fields = ("user",)
    list_shows_subjects = True
    record_reads = staticmethod(token_reads_record)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)


from reports import admin_content  # noqa: E402, F401 — registers the ready answers
