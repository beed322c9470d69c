from django.urls import path

from reports import api_actions, views

REF = "reports/<str:reference>/"

urlpatterns = [
    path("auth/register/", api_actions.RegisterView.as_view(), name="auth-register"),
    path("reports/", views.ReportListCreateView.as_view(), name="report-list"),
    path("reports/mine/", views.MyReportsView.as_view(), name="report-mine"),
    path("reports/inbox/", views.IocInboxView.as_view(), name="report-inbox"),
    path("reports/queue/", views.AgencyQueueView.as_view(), name="report-queue"),
    path("reports/nearby/", views.NearbyView.as_view(), name="report-nearby"),
    path("reports/stats/", views.StatsView.as_view(), name="report-stats"),
    path("reports/photo-location/", views.PhotoLocationView.as_view(), name="photo-location"),
    path("reports/address-locate/", views.AddressLocateView.as_view(), name="address-locate"),
    path(REF, views.ReportDetailView.as_view(), name="report-detail"),
    path(REF + "timeline/", views.TimelineView.as_view(), name="report-timeline"),
    path(REF + "comments/", api_actions.CommentListCreateView.as_view(), name="report-comments"),
    path(REF + "follow/", api_actions.FollowView.as_view(), name="report-follow"),
    path(REF + "identity/", api_actions.IdentityView.as_view(), name="report-identity"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
urlpatterns += [
    path(REF + f"{name}/", view.as_view(), name=f"report-{name}")
    for name, view in api_actions.ACTION_VIEWS.items()
]
