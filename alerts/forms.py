"""The alert form: which area (a commune, a former district, or a point and radius on the
map), about what, by which channel. The service checks the rest and names the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import RADIUS_MAX_M, RADIUS_MIN_M, AreaAlert
from alerts.selectors import alert_units
from boundaries.models import AdminUnit


def _unit_choices(level: str) -> list[tuple[str, str]]:
    return [("", "—")] + [(u.code, u.display_name) for u in alert_units(level=level)]


class AlertForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Theo dõi"),
        choices=AreaAlert.Kind.choices,
        initial=AreaAlert.Kind.COMMUNE,
        widget=forms.RadioSelect,
    )
    commune = forms.ChoiceField(label=_("Xã/phường"), required=False)
    district = forms.ChoiceField(label=_("Huyện (cũ)"), required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    radius_m = forms.IntegerField(
        label=_("Bán kính (m)"),
        required=False,
        initial=1000,
        min_value=RADIUS_MIN_M,
        max_value=RADIUS_MAX_M,
        widget=forms.NumberInput(attrs={"step": 100}),
    )
    what = forms.ChoiceField(
        label=_("Nhận tin về"), choices=AreaAlert.What.choices, initial=AreaAlert.What.BOTH
    )
    channel = forms.ChoiceField(
        label=_("Nhận qua"), choices=AreaAlert.Channel.choices, initial=AreaAlert.Channel.IN_APP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _unit_choices(AdminUnit.Level.COMMUNE)
        self.fields["district"].choices = _unit_choices(AdminUnit.Level.DISTRICT)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        unit_code = data.get(kind, "") if kind != AreaAlert.Kind.CIRCLE else ""
        return {
            "kind": kind,
            "what": data["what"],
            "channel": data["channel"],
            "unit_code": unit_code or "",
            "lon": data.get("lon"),
            "lat": data.get("lat"),
            "radius_m": data.get("radius_m"),
        }
