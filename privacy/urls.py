from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("quyen-rieng-tu/", views.privacy_notice, name="notice"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/du-lieu.json", views.account_export, name="account-export"),
    path("tai-khoan/xoa/", views.account_erase, name="account-erase"),
]
