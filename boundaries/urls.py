from django.urls import path

from boundaries.simplified import SimplifiedBoundaryView
from boundaries.views import BoundaryDetailView, BoundaryListView, LocateView

urlpatterns = [
    path("locate", LocateView.as_view(), name="locate"),
    path("boundaries/", BoundaryListView.as_view(), name="boundary-list"),
    # Before the unit detail, whose <code> would take "simplified".
    path("boundaries/simplified/", SimplifiedBoundaryView.as_view(), name="boundary-simplified"),
    path("boundaries/<str:code>/", BoundaryDetailView.as_view(), name="boundary-detail"),
]
