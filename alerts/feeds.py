"""Atom feeds of public reports per commune, former district and category (and commune with
category): the newest FEED_SIZE, each a title, the public link, status and dates — never
who filed it, and never a report the public may not see (the policy's public set)."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from alerts.selectors import feed_category, feed_reports, feed_unit
from boundaries.models import AdminUnit
from reports.models import Report
from routing_rules.models import Category


@dataclass(frozen=True)
class FeedScope:
    unit: AdminUnit | None
    category: Category | None
    path: str


class PublicReportsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, commune="", district="", category=""):
        unit = None
        if commune or district:
            level = AdminUnit.Level.COMMUNE if commune else AdminUnit.Level.DISTRICT
            unit = feed_unit(level=level, code=commune or district)
            if unit is None:
                raise Http404(_("Không có xã/phường hoặc huyện (cũ) mã này."))
        chosen = None
        if category:
            chosen = feed_category(code=category)
            if chosen is None:
                raise Http404(_("Không có lĩnh vực mã này."))
        return FeedScope(unit=unit, category=chosen, path=request.path)

    def title(self, scope: FeedScope) -> str:
        parts = [_("Phản ánh hiện trường Điện Biên")]
        if scope.unit is not None:
            parts.append(scope.unit.display_name)
        if scope.category is not None:
            parts.append(scope.category.name)
        return " — ".join(parts)

    def subtitle(self, scope: FeedScope) -> str:
        return _("Các phản ánh công khai mới nhất.")

    def link(self, scope: FeedScope) -> str:
        return reverse("maps-public")

    def feed_url(self, scope: FeedScope) -> str:
        return scope.path

    def items(self, scope: FeedScope):
        unit = scope.unit
        return feed_reports(
            commune_code=unit.code if unit and unit.level == AdminUnit.Level.COMMUNE else "",
            district_code=unit.code if unit and unit.level == AdminUnit.Level.DISTRICT else "",
            category=scope.category,
        )

    def item_title(self, item: Report) -> str:
        return f"{item.reference}: {item.title}"

    def item_description(self, item: Report) -> str:
        # Plain text (the feed escapes it): status, category and place.
        return " · ".join(
            [str(Report.Status(item.status).label), item.category.name, item.commune.display_name]
        )

    def item_link(self, item: Report) -> str:
        return reverse("reports-web:detail", args=[item.reference])

    def item_guid(self, item: Report) -> str:
        return f"tag:dien-bien-phan-anh,2025:{item.reference}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Report):
        return item.created_at

    def item_updateddate(self, item: Report):
        return item.updated_at

    def item_categories(self, item: Report):
        return [item.category.name]
