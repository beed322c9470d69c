from django.urls import path

from zalo.views import ZaloWebhookView

app_name = "zalo"

urlpatterns = [
    path("webhook/", ZaloWebhookView.as_view(), name="webhook"),
]
