"""The admin's view of staff authenticators: who has one and when it was last used, never its
secret. Deleting one is the reset for a lost phone: its owner enrols again at the next sign-in."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.admin import ReadAuditedAdmin

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadAuditedAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__username"]
    subject_fields = ("user",)
    list_shows_subjects = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
