"""The e-mail intake in the admin, for operations staff: how far the mailbox was read, and the
replies sent or waiting (never the address: it is kept only until the reply leaves)."""

from django.contrib import admin

from mailin.models import MailboxCursor, MailReply


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MailboxCursor)
class MailboxCursorAdmin(_ReadOnly):
    list_display = ["mailbox", "uidvalidity", "last_uid", "updated_at"]


@admin.register(MailReply)
class MailReplyAdmin(_ReadOnly):
    list_display = ["id", "kind", "draft", "created_at", "sent_at"]
    list_filter = ["kind"]
    fields = ["kind", "draft", "notes", "created_at", "sent_at"]
    readonly_fields = fields
