"""Admin of what the province writes itself: ready answers per category (imported by admin)."""

from django.contrib import admin

from reports.models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "category", "is_active", "sort_order")
    list_filter = ("kind", "is_active", "category")
    list_editable = ("is_active", "sort_order")
    search_fields = ("title", "body")
