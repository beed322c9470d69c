from django.urls import path

from reports.stats import views

urlpatterns = [
    path("thong-ke/", views.stats_page, name="stats-page"),
]
