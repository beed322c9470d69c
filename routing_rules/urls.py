from django.urls import path

from routing_rules.views import (
    AgencyListView,
    CategoryListView,
    RoutePreviewView,
    SpecialZoneListView,
)

urlpatterns = [
    path("categories/", CategoryListView.as_view(), name="category-list"),
    path("agencies/", AgencyListView.as_view(), name="agency-list"),
    path("special-zones/", SpecialZoneListView.as_view(), name="special-zone-list"),
    path("route-preview", RoutePreviewView.as_view(), name="route-preview"),
]
