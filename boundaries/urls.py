from django.urls import path

from boundaries.views import BoundaryDetailView, BoundaryListView, LocateView

urlpatterns = [
    path("locate", LocateView.as_view(), name="locate"),
    path("boundaries/", BoundaryListView.as_view(), name="boundary-list"),
    path("boundaries/<str:code>/", BoundaryDetailView.as_view(), name="boundary-detail"),
]
