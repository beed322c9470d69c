import math
import unicodedata

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

INVALID_TEXT = gettext_lazy("Nội dung chứa ký tự không hợp lệ.")
REQUIRED_TEXT = gettext_lazy("Cần nhập nội dung để gợi ý lĩnh vực.")
# Line breaks and tabs are text; other control characters and lone surrogates are not.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


class SuggestTextField(serializers.CharField):
    """DRF's text field, its English NUL/surrogate messages replaced by one Vietnamese check."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        english = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        self.validators = [v for v in self.validators if not isinstance(v, english)]

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        if any(
            unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS for ch in value
        ):
            raise serializers.ValidationError(INVALID_TEXT)
        return value


_COORDINATE_ERRORS = ("invalid", "min_value", "max_value", "max_string_length")


def _coordinate(name: str, low: int, high: int) -> serializers.FloatField:
    message = format_lazy(
        gettext_lazy("{name} phải là một số từ {low} đến {high} (độ thập phân WGS 84)."),
        name=name,
        low=low,
        high=high,
    )
    return serializers.FloatField(
        required=False,
        min_value=low,
        max_value=high,
        error_messages=dict.fromkeys(_COORDINATE_ERRORS, message),
    )


class SuggestQuerySerializer(serializers.Serializer):
    text = SuggestTextField(
        max_length=settings.SUGGEST_TEXT_MAX_CHARS,
        error_messages={
            "required": REQUIRED_TEXT,
            "blank": REQUIRED_TEXT,
            "max_length": gettext_lazy("Nội dung dài quá {max_length} ký tự."),
        },
    )
    lat = _coordinate("lat", -90, 90)
    lon = _coordinate("lon", -180, 180)

    def validate(self, attrs: dict) -> dict:
        for name in ("lat", "lon"):
            if name in attrs and not math.isfinite(attrs[name]):
                message = _("{name} phải là một số hữu hạn.").format(name=name)
                raise serializers.ValidationError({name: message})
        missing = {"lat", "lon"} - attrs.keys()
        if len(missing) == 1:
            name = missing.pop()
            message = _("Cần gửi cả lat và lon, hoặc không gửi cả hai.")
            raise serializers.ValidationError({name: message})
        return attrs


class SuggestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
