from django.contrib import admin

from suggest.models import SuggestModel


@admin.register(SuggestModel)
class SuggestModelAdmin(admin.ModelAdmin):
    """The stored versions, to see what the suggestion learnt and when; only
    manage.py suggest_retrain (or its beat task) writes one."""

    list_display = ("id", "created_at", "reports", "samples")
    fields = ("created_at", "reports", "samples", "codes", "fingerprint")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
