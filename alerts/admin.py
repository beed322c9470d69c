from django.contrib import admin

from alerts.models import AreaAlert


@admin.register(AreaAlert)
class AreaAlertAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "unit", "radius_m", "what", "channel", "active", "created_at")
    list_filter = ("kind", "what", "channel", "active")
    raw_id_fields = ("user", "unit")
    # Who follows which area is personal data: visible here, never in public views.
    readonly_fields = ("created_at",)
