from django.contrib import admin

from zalo.models import Conversation, Reply


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    # The reporter's words stay out of the list: the draft page is where the IOC reads them.
    list_display = ["pk", "state", "started_at", "last_message_at", "draft"]
    list_filter = ["state"]
    fields = ["state", "started_at", "last_message_at", "finished_at", "draft"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["pk", "key", "created_at", "sent_at"]
    fields = ["key", "created_at", "sent_at", "zalo_message_id"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
