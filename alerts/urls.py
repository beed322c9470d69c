from django.urls import path

from alerts import views
from alerts.feeds import PublicReportsFeed

app_name = "alerts"

feed = PublicReportsFeed()

urlpatterns = [
    path("theo-doi-khu-vuc/", views.alerts_page, name="page"),
    path("theo-doi-khu-vuc/<int:alert_id>/xoa/", views.alert_delete_view, name="delete"),
    path("theo-doi-khu-vuc/huy/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Atom feeds of public reports.
    path("rss/", feed, name="feed"),
    path("rss/xa/<str:commune>/", feed, name="feed-commune"),
    path("rss/xa/<str:commune>/linh-vuc/<slug:category>/", feed, name="feed-commune-category"),
    path("rss/huyen/<str:district>/", feed, name="feed-district"),
    path("rss/linh-vuc/<slug:category>/", feed, name="feed-category"),
]
