from django.urls import path

from stats import views

urlpatterns = [
    path("thong-ke/", views.stats_page, name="stats-page"),
]
