from django.urls import path

from privacy import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/data/", views.MyDataView.as_view(), name="me-data"),
    path("me/erase/", views.EraseView.as_view(), name="me-erase"),
]
