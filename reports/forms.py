"""Web forms (Vietnamese). They only validate; the services do the work."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from reports import inputs
from reports.models import Report
from routing_rules.models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(is_active=True).order_by("sort_order", "name"),
        empty_label=_("— Chọn lĩnh vực —"),
        to_field_name="code",
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=inputs.TITLE_MAX)
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=inputs.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    location_source = forms.ChoiceField(
        choices=Report.LocationSource.choices,
        initial=Report.LocationSource.PIN,
        widget=forms.HiddenInput,
        required=False,
    )
    incident_at = forms.DateTimeField(
        label=_("Thời điểm xảy ra"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    urgent = forms.BooleanField(
        label=_("Khẩn cấp (thiên tai, hỏa hoạn, tai nạn, trộm cướp, mất an ninh trật tự)"),
        required=False,
    )
    private_result = forms.BooleanField(label=_("Chỉ gửi kết quả cho tôi"), required=False)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=inputs.NAME_MAX)
    phone = forms.RegexField(label=_("Số điện thoại"), regex=inputs.PHONE_PATTERN, max_length=20)
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    media = MultipleFileField(label=_("Ảnh, video"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def clean(self):
        cleaned = super().clean()
        if "lon" in self.errors or "lat" in self.errors:
            self.errors.pop("lon", None)
            self.errors.pop("lat", None)
            self.add_error(None, _("Hãy chấm vị trí sự việc trên bản đồ."))
        cleaned["location_source"] = cleaned.get("location_source") or Report.LocationSource.PIN
        return cleaned


class RegisterForm(forms.Form):
    """Only input checks here: whether a name is taken is said by the service alone, in the
    same generic words as the API (reports.services.accounts)."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=inputs.NAME_MAX)
    phone = forms.RegexField(label=_("Số điện thoại"), regex=inputs.PHONE_PATTERN, max_length=20)
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
