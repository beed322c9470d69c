from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("boundaries.urls")),
    path("", include("routing_rules.urls")),
    path("", include("reports.urls")),
    path("", include("stats.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("reports.web_urls")),
    path("", include("maps.urls")),
    path("", include("stats.web_urls")),
    path("open311/v2/", include("open311.urls")),
]
