"""The outbox in the admin: what is waiting, what was dead-lettered and why, and a retry."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.models import OutboxMessage
from outbox.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "state", "attempts", "available_at", "created_at", "sent_at"]
    list_filter = ["state", "topic"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_module_permission(self, request):
        # Payloads hold ids only; operations staff (is_staff with the view permission) watch it.
        return request.user.is_superuser or request.user.has_perm("outbox.view_outboxmessage")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Thử gửi lại các việc đã ngừng thử"))
    def retry(self, request, queryset):
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("Đã đưa %(n)s việc vào hàng chờ gửi lại.") % {"n": count})
