from django.contrib.gis import admin

from boundaries.models import AdminUnit, Edition


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "valid_from", "valid_to")


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.GISModelAdmin):
    list_display = ("code", "full_name", "level", "parent", "edition", "area_km2")
    list_filter = ("edition", "level", "province_code")
    search_fields = ("code", "name", "full_name")
    raw_id_fields = ("parent",)
    readonly_fields = ("area_km2",)
