from django.urls import path

from maps import pages, views
from maps.download import HtmlReportView

API = "api/v1/maps/"

urlpatterns = [
    path(API + "public/reports/", views.PublicReportsView.as_view(), name="maps-public-reports"),
    path(
        API + "tiles/public/<int:z>/<int:x>/<int:y>.mvt",
        views.TileView.as_view(scope="public"),
        name="maps-public-tiles",
    ),
    path(
        API + "tiles/analysis/<int:z>/<int:x>/<int:y>.mvt",
        views.TileView.as_view(scope="analysis"),
        name="maps-analysis-tiles",
    ),
    path(API + "officer/reports/", views.OfficerReportsView.as_view(), name="maps-officer-reports"),
    path(API + "heatmap/", views.HeatmapView.as_view(), name="maps-heatmap"),
    path(API + "hotspots/", views.HotspotView.as_view(), name="maps-hotspots"),
    path(API + "choropleth/", views.ChoroplethView.as_view(), name="maps-choropleth"),
    path(API + "export/<str:fmt>/", views.ExportView.as_view(), name="maps-export"),
    path(API + "html-report/", HtmlReportView.as_view(), name="maps-html-report"),
    path("ban-do/", pages.public_map, name="maps-public"),
    path("ban-do/gui-phan-anh/", pages.report_here, name="maps-report-here"),
    path("ban-do/co-quan/", pages.officer_map, name="maps-officer"),
    path("ban-do/phan-tich/", pages.planner_map, name="maps-planner"),
]
