"""Checking an IOC operator's override of the suggested agency (recorded by the reports app)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from routing_rules.models import Agency

OVERRIDE_REASON_MIN_LENGTH = 10


@dataclass(frozen=True)
class Override:
    agency: Agency
    suggested_agency_code: str | None
    reason: str

    @property
    def differs(self) -> bool:
        return self.agency.code != self.suggested_agency_code


def route_override_check(
    *, agency_code: str, reason: str, suggested_agency_code: str | None = None
) -> Override:
    """Validate an override: an active agency and a real reason. Writes nothing."""
    agency = Agency.objects.filter(code=agency_code, is_active=True).first()
    if agency is None:
        raise ValidationError(
            {"agency": _("Không có cơ quan đang hoạt động mã «%(code)s».") % {"code": agency_code}}
        )
    reason = " ".join((reason or "").split())
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Cần nêu lý do chuyển (ít nhất %(n)s ký tự).")
                % {"n": OVERRIDE_REASON_MIN_LENGTH}
            }
        )
    return Override(agency=agency, suggested_agency_code=suggested_agency_code, reason=reason)
