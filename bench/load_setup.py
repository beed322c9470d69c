"""The load run's accounts and sample data, made inside the stack's own manage.py (production
settings, its database): bench/load_bench.py runs

    scripts/prod.sh manage shell -c "from bench.load_setup import setup_print; setup_print(...)"

and reads the one line starting with RESULT. Accounts are named load-citizen-N and load-ioc-N;
each run gives them new tokens, passwords and authenticators, so nothing of an earlier run
(nor of this file) opens them."""

import json
import secrets

from django.conf import settings
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from boundaries.models import AdminUnit
from gis_portal.accounts.tokens import token_issue
from reports.models import Media, Report, Role, User
from reports.services.media import media_discard
from routing_rules.models import Category

CITIZEN_PREFIX = "load-citizen-"
IOC_PREFIX = "load-ioc-"

POINTS_SQL = """
SELECT ST_X(g.geom), ST_Y(g.geom)
FROM boundaries_adminunit u, ST_Dump(ST_GeneratePoints(u.geom, %(count)s, %(seed)s)) g
WHERE u.level = 'province' AND u.code = ANY(%(served)s)
  AND u.edition_id = (SELECT max(edition_id) FROM boundaries_adminunit WHERE level = 'province')
"""


def _account(username: str, role: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "full_name": "Tài khoản kiểm thử tải", "phone": "0912345678"},
    )
    if user.role != role:
        user.role = role
        user.save(update_fields=["role"])
    return user


def citizens_prepare(count: int) -> list[str]:
    """An API token for each citizen account (which has no password: tokens only)."""
    tokens = []
    for number in range(1, count + 1):
        user = _account(f"{CITIZEN_PREFIX}{number}", Role.CITIZEN)
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        tokens.append(token_issue(user=user).key)
    return tokens


def iocs_prepare(count: int) -> list[dict]:
    """IOC operators with a new password and a new confirmed authenticator each: they sign in as
    an operator does (password, then a TOTP code), one account per simulated operator because a
    code is accepted once per device and time step."""
    accounts = []
    for number in range(1, count + 1):
        user = _account(f"{IOC_PREFIX}{number}", Role.IOC_OPERATOR)
        password = secrets.token_urlsafe(18)
        user.set_password(password)
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Kiểm thử tải", confirmed=True)
        accounts.append(
            {
                "username": user.username,
                "password": password,
                "key": device.key,
                "step": device.step,
                "digits": device.digits,
            }
        )
    return accounts


def sample_points(count: int, seed: int) -> list[list[float]]:
    served = list(settings.BOUNDARIES_SERVED_PROVINCES)
    with connection.cursor() as cursor:
        cursor.execute(POINTS_SQL, {"count": count, "seed": seed, "served": served})
        return [[round(x, 6), round(y, 6)] for x, y in cursor.fetchall()]


def setup_run(*, citizens: int, iocs: int, points: int, seed: int = 7) -> dict:
    newest = AdminUnit.objects.filter(level="commune").order_by("-edition_id").first()
    communes = AdminUnit.objects.filter(level="commune", edition_id=newest.edition_id)
    return {
        "tokens": citizens_prepare(citizens),
        "iocs": iocs_prepare(iocs),
        "points": sample_points(points, seed),
        "communes": sorted(communes.values_list("code", flat=True)),
        "categories": sorted(
            Category.objects.filter(is_active=True).values_list("code", flat=True)
        ),
        "reports": Report.objects.count(),
        # Each is notified of every new report (the worker's share of an intake grows with it).
        "ioc_operators": User.objects.filter(role=Role.IOC_OPERATOR, is_active=True).count(),
    }


def load_reports_delete() -> dict:
    """Remove what the intake scenario filed (the load citizens' reports) and their files."""
    reports = Report.objects.filter(identity__user__username__startswith=CITIZEN_PREFIX)
    names = []
    for media in Media.objects.filter(report__in=reports):
        names.append(media.file.name)
        names.extend(thumb["name"] for thumb in (media.thumbnails or {}).values())
    removed, _ = reports.delete()
    media_discard(names)
    return {"rows": removed, "files": len(names)}


def setup_print(**kwargs) -> None:
    print("RESULT " + json.dumps(setup_run(**kwargs)))


def cleanup_print() -> None:
    print("RESULT " + json.dumps(load_reports_delete()))
