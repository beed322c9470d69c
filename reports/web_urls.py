from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reports import media_views, web_views

app_name = "reports-web"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("dang-ky/", web_views.register, name="register"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="reports/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("phan-anh/gui/", web_views.submit, name="submit"),
    path("phan-anh/cua-toi/", web_views.my_reports, name="my-reports"),
    path("ioc/hop-thu/", web_views.ioc_inbox, name="ioc-inbox"),
    path("co-quan/hang-doi/", web_views.agency_queue, name="agency-queue"),
    path("phan-anh/<str:reference>/", web_views.detail, name="detail"),
    path("phan-anh/<str:reference>/danh-tinh/", web_views.identity, name="identity"),
    path("phan-anh/<str:reference>/trao-doi/", web_views.comment, name="comment"),
    path("phan-anh/<str:reference>/thao-tac/<str:name>/", web_views.action, name="action"),
    path(settings.MEDIA_URL.strip("/") + "/<path:name>", media_views.media, name="media"),
]
