"""Issue, rotate and revoke Open311 keys. A key is shown once, right after it is made."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open311.models import ApiClient, Open311Request
from open311.services.clients import (
    api_client_issue,
    api_client_revoke,
    api_client_rotate,
)


def _show_key(request, name: str, key: str) -> None:
    messages.warning(
        request,
        format_html(
            _(
                "Khóa API của “{name}”: <code>{key}</code> — chỉ hiển thị một lần, "
                "hãy sao chép ngay."
            ),
            name=name,
            key=key,
        ),
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "key_prefix",
        "is_active",
        "rate_limit_per_minute",
        "last_used_at",
        "created_at",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "contact", "key_prefix")
    fields = (
        "name",
        "contact",
        "notes",
        "rate_limit_per_minute",
        "key_prefix",
        "is_active",
        "revoked_at",
        "last_used_at",
        "created_at",
    )
    readonly_fields = ("key_prefix", "is_active", "revoked_at", "last_used_at", "created_at")
    actions = ("revoke", "rotate")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Reports keep pointing at the client that filed them: revoke instead of deleting.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_client_issue(
            name=obj.name,
            contact=obj.contact,
            notes=obj.notes,
            rate_limit_per_minute=obj.rate_limit_per_minute,
        )
        obj.pk = issued.client.pk
        obj.__dict__.update(
            {k: v for k, v in issued.client.__dict__.items() if not k.startswith("_")}
        )
        _show_key(request, issued.client.name, issued.key)

    @admin.action(description=gettext_lazy("Thu hồi khóa của các ứng dụng đã chọn"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client)
        self.message_user(request, _("Đã thu hồi %(n)s khóa.") % {"n": queryset.count()})

    @admin.action(description=gettext_lazy("Cấp khóa mới (khóa cũ hết hiệu lực ngay)"))
    def rotate(self, request, queryset):
        for client in queryset:
            issued = api_client_rotate(client=client)
            _show_key(request, issued.client.name, issued.key)


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ("report", "client", "created_at")
    list_filter = ("client",)
    search_fields = ("report__reference",)
    raw_id_fields = ("report",)
    readonly_fields = ("report", "client", "token", "media_url", "created_at")
