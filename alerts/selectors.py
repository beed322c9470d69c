"""Reads for the alerts pages and the Atom feeds."""

from django.conf import settings
from django.db.models import QuerySet

from alerts.models import AreaAlert
from boundaries.models import AdminUnit
from boundaries.selectors import unit_list
from reports import policy
from reports.models import Report, User
from routing_rules.models import Category

FEED_SIZE = 50


def alert_units(*, level: str) -> QuerySet[AdminUnit]:
    """The communes (or former districts) of the edition in force that one may follow."""
    return (
        unit_list(level=level)
        .filter(province_code__in=settings.BOUNDARIES_SERVED_PROVINCES)
        .select_related(None)
        .only("id", "code", "name", "full_name", "administration_ended")
        .order_by("name", "code")
    )


def alerts_listening(*, kind: str) -> bool:
    """Whether any active alert wants events of this kind (`new` or `results`)."""
    wanted = [kind, AreaAlert.What.BOTH]
    return AreaAlert.objects.filter(active=True, what__in=wanted).exists()


def alert_list(*, user: User) -> QuerySet[AreaAlert]:
    return AreaAlert.objects.filter(user=user).select_related("unit").order_by("-created_at", "-id")


def feed_unit(*, level: str, code: str) -> AdminUnit | None:
    """The unit a feed path names (any edition: a report keeps the commune it was filed in)."""
    return (
        AdminUnit.objects.filter(level=level, code=code)
        .only("id", "code", "name", "full_name", "administration_ended", "level")
        .order_by("-edition__valid_from")
        .first()
    )


def feed_category(*, code: str) -> Category | None:
    return Category.objects.filter(code=code).only("id", "code", "name").first()


def feed_reports(
    *, commune_code: str = "", district_code: str = "", category: Category | None = None
) -> QuerySet[Report]:
    """The newest public reports (the policy's public set: never a hidden one), with only the
    fields a feed item shows; the reporter's identity is never read."""
    reports = policy.reports_public()
    if commune_code:
        reports = reports.filter(commune__code=commune_code)
    if district_code:
        reports = reports.filter(district__code=district_code)
    if category is not None:
        reports = reports.filter(category=category)
    return (
        reports.select_related("category", "commune")
        .only(
            "id",
            "reference",
            "title",
            "status",
            "created_at",
            "updated_at",
            "category__name",
            "commune__full_name",
            "commune__administration_ended",
        )
        .order_by("-created_at", "-id")[:FEED_SIZE]
    )
