from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reports import (
    media_views,
    web_channels,
    web_citizen,
    web_drafts,
    web_inbox,
    web_public,
    web_views,
)

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
    path("phan-anh/", web_public.public_list, name="public-list"),
    path("huong-dan/", web_public.help_page, name="help"),
    path("phan-anh/cua-toi/", web_views.my_reports, name="my-reports"),
    path("thong-bao/", web_citizen.notifications, name="notifications"),
    path("thong-bao/<int:pk>/da-doc/", web_citizen.notification_read, name="notification-read"),
    path("ioc/hop-thu/", web_inbox.ioc_inbox, name="ioc-inbox"),
    path("giam-sat/", web_inbox.supervision, name="supervision"),
    path("co-quan/hang-doi/", web_views.agency_queue, name="agency-queue"),
    # Before the report pages: "nhan" is no reference.
    path("phan-anh/nhan/", web_channels.claim_start, name="claim"),
    path("phan-anh/nhan/<int:pk>/", web_channels.claim_code, name="claim-code"),
    path("ioc/cho-bo-sung/", web_drafts.draft_list, name="drafts"),
    path("ioc/cho-bo-sung/<int:pk>/tao/", web_drafts.draft_complete, name="draft-file"),
    path("ioc/cho-bo-sung/<int:pk>/loai/", web_drafts.draft_reject, name="draft-discard"),
    path(
        "ioc/cho-bo-sung/<int:pk>/tep/<int:media_pk>/",
        web_drafts.draft_media,
        name="draft-media",
    ),
    path("ioc/duong-day-nong/", web_channels.hotline, name="hotline"),
    path("ioc/tinh-nguyen-vien/", web_channels.volunteer_review, name="volunteer-review"),
    path(
        "ioc/tinh-nguyen-vien/<int:pk>/",
        web_channels.volunteer_decide,
        name="volunteer-decide",
    ),
    path("tinh-nguyen-vien/", web_channels.volunteer_apply, name="volunteer-apply"),
    path("tinh-nguyen-vien/gui-ho/", web_channels.assisted, name="assisted"),
    path("tinh-nguyen-vien/da-gui/", web_channels.volunteer_filed, name="volunteer-filed"),
    path("phan-anh/<str:reference>/", web_views.detail, name="detail"),
    path("phan-anh/<str:reference>/danh-tinh/", web_views.identity, name="identity"),
    path("phan-anh/<str:reference>/trao-doi/", web_views.comment, name="comment"),
    path("phan-anh/<str:reference>/thao-tac/<str:name>/", web_views.action, name="action"),
    path(settings.MEDIA_URL.strip("/") + "/<path:name>", media_views.media, name="media"),
]
