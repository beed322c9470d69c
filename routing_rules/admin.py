from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from routing_rules.models import Agency, Category, Rule, SpecialZone
from routing_rules.widgets import LocalOSMWidget


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "sort_order",
        "urgent_hint",
        "result_photos_required",
        "is_active",
    )
    list_editable = ("sort_order", "result_photos_required", "is_active")
    list_filter = ("group", "urgent_hint", "result_photos_required", "is_active")
    search_fields = ("code", "name", "description")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "jurisdiction_codes", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "email")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(SpecialZone)
class SpecialZoneAdmin(GISModelAdmin):
    gis_widget = LocalOSMWidget
    list_display = (
        "code",
        "name",
        "kind",
        "buffer_m",
        "managing_agency",
        "approximate",
        "is_active",
    )
    list_filter = ("kind", "approximate", "is_active")
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("managing_agency",)
    list_select_related = ("managing_agency",)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = (
        "priority",
        "code",
        "name",
        "target_kind",
        "target_agency",
        "is_active",
        "valid_from",
        "valid_to",
    )
    list_display_links = ("code", "name")
    list_filter = ("is_active", "target_kind", "urgency", "categories")
    search_fields = ("code", "name", "description", "keywords")
    autocomplete_fields = ("target_agency",)
    filter_horizontal = ("categories", "zones", "coordinators")
    list_select_related = ("target_agency",)
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "priority", "is_active")}),
        (_("Hiệu lực"), {"fields": ("valid_from", "valid_to")}),
        (
            _("Điều kiện (để trống = không giới hạn)"),
            {
                "fields": (
                    "categories",
                    "unit_codes",
                    "commune_types",
                    "zones",
                    "zone_kinds",
                    "urgency",
                    "keywords",
                )
            },
        ),
        (
            _("Đơn vị xử lý"),
            {"fields": ("target_kind", "target_agency", "coordinators", "coordinate_commune_ubnd")},
        ),
    )
