from django.urls import re_path

from stats import views

urlpatterns = [
    re_path(r"^stats/?$", views.StatsView.as_view(), name="stats"),
    re_path(r"^stats/ranking/?$", views.RankingView.as_view(), name="stats-ranking"),
]
