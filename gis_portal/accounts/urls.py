from django.urls import path

from gis_portal.accounts import views

app_name = "twofactor"

urlpatterns = [
    path("xac-thuc-hai-lop/", views.verify, name="verify"),
    path("xac-thuc-hai-lop/thiet-lap/", views.enrol, name="enrol"),
]
