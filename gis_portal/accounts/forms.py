from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The six-digit code the authenticator app shows (named `otp`, as on the token endpoint)."""

    otp = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )
