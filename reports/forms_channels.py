"""Web forms of the channels typed in by someone else: completing a channel's draft, the
hotline, assisted reporting, volunteer applications and claims. They only validate."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from boundaries.models import AdminUnit
from boundaries.selectors import edition_at
from reports import inputs
from reports.forms import MultipleFileField
from reports.models import Report
from routing_rules.models import Category


def _categories():
    return Category.objects.filter(is_active=True).order_by("sort_order", "name")


class PlaceMixin:
    """The pin (hidden lon/lat, moved by the map or the place search): one error on the map."""

    def clean(self):
        cleaned = super().clean()
        if "lon" in self.errors or "lat" in self.errors:
            self.errors.pop("lon", None)
            self.errors.pop("lat", None)
            self.add_error(None, _("Hãy chấm vị trí sự việc trên bản đồ hoặc tìm theo địa danh."))
        return cleaned


class DraftCompleteForm(PlaceMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=_categories(),
        empty_label=_("— Chọn lĩnh vực —"),
        to_field_name="code",
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=inputs.TITLE_MAX)
    full_name = forms.CharField(label=_("Họ và tên người phản ánh"), max_length=inputs.NAME_MAX)
    urgent = forms.BooleanField(label=_("Khẩn cấp"), required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)


class DraftDiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do loại"),
        max_length=inputs.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OnBehalfForm(PlaceMixin, forms.Form):
    """The hotline's and the volunteer's form: the reporter's identity, their consent, and
    the report itself."""

    full_name = forms.CharField(label=_("Họ và tên người phản ánh"), max_length=inputs.NAME_MAX)
    phone = forms.RegexField(
        label=_("Số điện thoại người phản ánh"), regex=inputs.PHONE_PATTERN, max_length=20
    )
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    consent = forms.BooleanField(
        label=_("Người gọi đồng ý cho xử lý thông tin cá nhân"),
        error_messages={"required": _("Cần có sự đồng ý của người phản ánh.")},
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=_categories(),
        empty_label=_("— Chọn lĩnh vực —"),
        to_field_name="code",
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=inputs.TITLE_MAX)
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=inputs.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    urgent = forms.BooleanField(label=_("Khẩn cấp"), required=False)
    media = MultipleFileField(label=_("Ảnh, video"), required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    location_source = forms.ChoiceField(
        choices=Report.LocationSource.choices,
        initial=Report.LocationSource.PIN,
        widget=forms.HiddenInput,
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args, consent_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if consent_label:
            self.fields["consent"].label = consent_label

    def full_clean(self):
        # "Chưa rõ vị trí": kept as a draft the IOC places later (the pin is not required).
        self.place_later = bool(self.data.get("later"))
        for name in ("lon", "lat"):
            self.fields[name].required = not self.place_later
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        cleaned["location_source"] = cleaned.get("location_source") or Report.LocationSource.PIN
        return cleaned


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class VolunteerApplyForm(forms.Form):
    organisation = forms.CharField(label=_("Tổ chức (ví dụ: Đoàn Thanh niên xã …)"), max_length=200)
    commune = CommuneChoiceField(
        label=_("Xã/phường hoạt động"),
        queryset=AdminUnit.objects.none(),
        empty_label=_("— Chọn xã/phường —"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = edition_at()
        self.fields["commune"].queryset = AdminUnit.objects.filter(
            edition=edition, level=AdminUnit.Level.COMMUNE
        ).order_by("name")


class VolunteerDecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Duyệt")), ("refuse", _("Không duyệt"))],
        error_messages={"required": _("Hãy chọn duyệt hoặc không duyệt.")},
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi không duyệt)"),
        max_length=inputs.DESCRIPTION_MAX,
        required=False,
    )


class ClaimStartForm(forms.Form):
    reference = forms.CharField(label=_("Mã phản ánh (ví dụ PA-2026-123)"), max_length=30)


class ClaimCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã xác nhận (6 chữ số)"), max_length=10)
