"""Making, removing and switching off area alerts."""

from django.contrib.gis.geos import Point
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from alerts.models import RADIUS_MAX_M, RADIUS_MIN_M, AreaAlert
from alerts.selectors import alert_units
from boundaries.models import AdminUnit
from boundaries.selectors import LocateError, commune_locate
from reports import policy
from reports.models import User

Kind = AreaAlert.Kind
# Enough for a citizen's home, work and family villages; a cap on the fan-out's work per user.
ALERTS_PER_USER = 20
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class AlertError(Exception):
    """Bad input for an alert: a 4xx naming the field, in the user's language."""

    status_code = 400

    def __init__(self, message: str, field: str = "non_field_errors", status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code


def _unit(kind: str, unit_code: str) -> AdminUnit:
    field = "commune" if kind == Kind.COMMUNE else "district"
    if not unit_code:
        raise AlertError(_("Hãy chọn xã/phường hoặc huyện (cũ) cần theo dõi."), field=field)
    unit = alert_units(level=kind).filter(code=unit_code).first()
    if unit is None:
        raise AlertError(_("Không có đơn vị hành chính này trong địa bàn."), field=field)
    return unit


def _circle(lon: float | None, lat: float | None, radius_m: int | None) -> tuple[Point, int]:
    if lon is None or lat is None:
        raise AlertError(_("Hãy chấm tâm vùng theo dõi trên bản đồ."), field="lat")
    if radius_m is None or not RADIUS_MIN_M <= radius_m <= RADIUS_MAX_M:
        raise AlertError(
            _("Bán kính phải từ %(low)s m đến %(high)s m.")
            % {"low": RADIUS_MIN_M, "high": RADIUS_MAX_M},
            field="radius_m",
        )
    try:
        commune_locate(lon=lon, lat=lat)
    except LocateError as exc:
        raise AlertError(exc.message, field="lat", status_code=422) from exc
    return Point(round(lon, 6), round(lat, 6), srid=4326), radius_m


@transaction.atomic
def alert_create(
    *,
    user: User,
    kind: str,
    what: str,
    channel: str,
    unit_code: str = "",
    lon: float | None = None,
    lat: float | None = None,
    radius_m: int | None = None,
) -> AreaAlert:
    """An alert for the signed-in user; the same area again updates (and switches on) the one
    they have instead of making a second."""
    if not policy.user_authenticated(user):
        raise AlertError(_("Hãy đăng nhập để theo dõi khu vực."), status_code=403)
    if kind not in Kind.values:
        raise AlertError(_("Loại khu vực không hợp lệ."), field="kind")
    if what not in AreaAlert.What.values:
        raise AlertError(_("Hãy chọn nhận tin về điều gì."), field="what")
    if channel not in AreaAlert.Channel.values:
        raise AlertError(_("Kênh nhận tin không hợp lệ."), field="channel")
    if channel == AreaAlert.Channel.EMAIL and not user.email:
        raise AlertError(
            _("Tài khoản chưa có thư điện tử: thêm ở trang Tài khoản, hoặc chọn nhận trên cổng."),
            field="channel",
        )
    area: dict = {"kind": kind, "unit": None, "point": None, "radius_m": None}
    if kind == Kind.CIRCLE:
        area["point"], area["radius_m"] = _circle(lon, lat, radius_m)
        same = AreaAlert.objects.filter(
            user=user, kind=kind, point=area["point"], radius_m=area["radius_m"]
        )
    else:
        area["unit"] = _unit(kind, unit_code)
        same = AreaAlert.objects.filter(user=user, unit=area["unit"])
    alert = same.select_for_update().first()
    if alert is None:
        if AreaAlert.objects.filter(user=user).count() >= ALERTS_PER_USER:
            raise AlertError(
                _("Mỗi tài khoản theo dõi tối đa %(n)s khu vực.") % {"n": ALERTS_PER_USER},
                field="kind",
                status_code=409,
            )
        try:
            with transaction.atomic():
                return AreaAlert.objects.create(user=user, what=what, channel=channel, **area)
        except IntegrityError:  # the same form sent twice at once: the other request made it
            alert = same.get()
    alert.what, alert.channel, alert.active = what, channel, True
    alert.save(update_fields=["what", "channel", "active"])
    return alert


def alert_delete(*, user: User, alert_id: int) -> bool:
    deleted, _rows = AreaAlert.objects.filter(pk=alert_id, user=user).delete()
    return bool(deleted)


def alert_unsubscribe_token(alert: AreaAlert) -> str:
    return signing.dumps(alert.pk, salt=UNSUBSCRIBE_SALT, compress=False)


def alert_for_token(*, token: str) -> AreaAlert | None:
    try:
        alert_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return AreaAlert.objects.select_related("unit").filter(pk=alert_id).first()


def alert_unsubscribe(*, token: str) -> AreaAlert | None:
    """Switch off the alert a link from its e-mail names (no sign-in needed: the signature is
    the proof); None for a link that is not ours or whose alert was deleted."""
    alert = alert_for_token(token=token)
    if alert is not None and alert.active:
        alert.active = False
        alert.save(update_fields=["active"])
    return alert


def alerts_erase(*, user: User, **kwargs) -> int:
    """reports.signals.account_erasing: the areas a person followed are theirs to erase."""
    deleted, _ = AreaAlert.objects.filter(user=user).delete()
    return deleted


def alerts_export(*, user: User, **kwargs) -> dict:
    """reports.signals.account_exporting: the person's alerts in their data export."""
    alerts = AreaAlert.objects.filter(user=user).select_related("unit").order_by("created_at")
    return {
        "area_alerts": [
            {
                "kind": alert.kind,
                "unit": alert.unit.code if alert.unit else None,
                "lon": alert.point.x if alert.point else None,
                "lat": alert.point.y if alert.point else None,
                "radius_m": alert.radius_m,
                "what": alert.what,
                "channel": alert.channel,
                "active": alert.active,
                "created_at": alert.created_at.isoformat(),
            }
            for alert in alerts
        ]
    }
