"""Agencies' webhooks (the secret is typed, never shown back) and the read-only delivery log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forwarding.models import SECRET_MIN_LENGTH, AgencyWebhook, Delivery


class AgencyWebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("Địa chỉ nhận (URL)"), max_length=500, assume_scheme="https"
    )
    new_secret = forms.CharField(
        label=gettext_lazy("Khóa ký HMAC mới"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Ít nhất 32 ký tự ngẫu nhiên, trao cho đơn vị quản trị hệ thống nhận (ví dụ: "
            "python -c 'import secrets; print(secrets.token_hex(32))'). Để trống để giữ khóa cũ."
        ),
    )

    class Meta:
        model = AgencyWebhook
        fields = ["agency", "url", "is_active"]

    def clean_new_secret(self) -> str:
        secret = self.cleaned_data["new_secret"]
        if not secret and not self.instance.secret:
            raise forms.ValidationError(_("Cần nhập khóa ký HMAC."))
        if secret and len(secret) < SECRET_MIN_LENGTH:
            raise forms.ValidationError(
                _("Khóa ký phải có ít nhất %(n)d ký tự.") % {"n": SECRET_MIN_LENGTH}
            )
        return secret

    def save(self, commit=True):
        if self.cleaned_data.get("new_secret"):
            self.instance.secret = self.cleaned_data["new_secret"]
        return super().save(commit=commit)


@admin.register(AgencyWebhook)
class AgencyWebhookAdmin(admin.ModelAdmin):
    form = AgencyWebhookForm
    list_display = ["agency", "url", "is_active", "secret_hint", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["agency__name", "agency__code", "url"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["secret_hint", "created_at", "updated_at"]
    fields = ["agency", "url", "is_active", "secret_hint", "new_secret", "created_at", "updated_at"]

    @admin.display(description=gettext_lazy("Khóa ký hiện tại"))
    def secret_hint(self, obj: AgencyWebhook) -> str:
        return obj.secret_hint if obj.pk else "—"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_id",
        "event_type",
        "agency",
        "role",
        "state",
        "tries",
        "last_response_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type", "agency"]
    search_fields = ["=uuid", "=transition__id", "transition__report__reference"]
    list_select_related = ["agency", "outbox_message"]
    readonly_fields = [
        "uuid",
        "event_id",
        "event_type",
        "agency",
        "role",
        "state",
        "tries",
        "last_response_code",
        "last_error",
        "outbox_message",
        "created_at",
        "delivered_at",
    ]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("Sự kiện"), ordering="transition_id")
    def event_id(self, obj: Delivery) -> int:
        return obj.transition_id

    @admin.display(description=gettext_lazy("Trạng thái"))
    def state(self, obj: Delivery) -> str:
        message = obj.outbox_message
        if obj.status == Delivery.Status.PENDING and message and message.state == "dead":
            return _("Lỗi, ngừng thử lại (xem việc chờ gửi)")
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("Số lần gửi"))
    def tries(self, obj: Delivery) -> int:
        # Failed attempts are counted on the outbox message (rolled back with them here).
        message = obj.outbox_message
        if obj.status == Delivery.Status.PENDING and message:
            return message.attempts
        return obj.attempts

    @admin.display(description=gettext_lazy("Lỗi gần nhất"))
    def last_error(self, obj: Delivery) -> str:
        message = obj.outbox_message
        return message.last_error if message and obj.status == Delivery.Status.PENDING else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
