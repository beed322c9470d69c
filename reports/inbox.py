"""Selectors of the IOC's workspace: a stage's reports with filters, search and sort, and the
counts on every stage's tab (one statement)."""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import BooleanField, Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import policy, sql
from reports.errors import ReportInvalid
from reports.models import Extension, Report, Transition
from reports.selectors import LIST_RELATED, UNIT_OUTLINES

REFERENCE_RE = re.compile(r"^\s*(PA|SYN[a-z0-9]*)-\d{4}-\d+\s*$", re.IGNORECASE)
SEARCH_MAX = 200
EXTENSION_STAGE = "xin-gia-han"
# Sort keys of the inbox; the first is the default.
SORTS = {
    "han": (gettext_lazy("Hạn sớm nhất"), ("-urgent", "verify_due_at", "due_at", "created_at")),
    "moi": (gettext_lazy("Mới nhất"), ("-created_at",)),
    "cu": (gettext_lazy("Cũ nhất"), ("created_at",)),
}


@dataclass(frozen=True)
class InboxQuery:
    stage: str
    search: str = ""
    sort: str = "han"


def _ascii_words(text: str) -> list[str]:
    """The words of a search as the index holds them: lower case, without diacritics."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.findall(r"[0-9a-z]+", stripped.lower())


def search_tsquery(text: str) -> str | None:
    """Every word must appear; the last may be the start of a word (search while typing).
    Only [0-9a-z] reach the tsquery, so no input can change its syntax."""
    words = _ascii_words(text)[:12]
    if not words:
        return None
    return " & ".join(words[:-1] + [f"{words[-1]}:*"])


def inbox_query_clean(*, stage: str | None, search: str | None, sort: str | None) -> InboxQuery:
    stage = stage or policy.INBOX_DEFAULT_STAGE
    if stage not in policy.INBOX_STAGE_CODES:
        raise ReportInvalid(_("Mục không tồn tại."), field="tab")
    search = (search or "").strip()
    if len(search) > SEARCH_MAX:
        raise ReportInvalid(_("Từ khóa dài quá %(max)s ký tự.") % {"max": SEARCH_MAX}, field="q")
    sort = sort or next(iter(SORTS))
    if sort not in SORTS:
        raise ReportInvalid(_("Cách sắp xếp không hợp lệ."), field="sort")
    return InboxQuery(stage=stage, search=search, sort=sort)


def report_search(reports: QuerySet[Report], *, text: str) -> QuerySet[Report]:
    """Reports whose reference is `text`, or whose title and description hold its words
    (with or without diacritics), through the GIN index of migration 0012."""
    if REFERENCE_RE.match(text):
        return reports.filter(reference__iexact=text.strip())
    tsquery = search_tsquery(text)
    if tsquery is None:
        return reports.none()
    return reports.filter(RawSQL(sql.REPORT_SEARCH_MATCH, [tsquery], output_field=BooleanField()))


def report_list_inbox(*, user, query: InboxQuery, filtered: QuerySet[Report]) -> QuerySet[Report]:
    """The reports of one stage among `filtered` (the user's visible reports, narrowed by the
    inbox's filters and search), sorted."""
    if not policy.user_is_ioc(user):
        return Report.objects.none()
    reports = filtered.filter(policy.INBOX_STAGE_CODES[query.stage].q)
    if query.stage == EXTENSION_STAGE:
        # Decided from the list itself: each row carries its pending requests.
        pending = Extension.objects.filter(state=Extension.State.PENDING).order_by("created_at")
        reports = reports.prefetch_related(
            Prefetch("extensions", queryset=pending, to_attr="pending_extensions")
        )
    return (
        reports.select_related(*LIST_RELATED).defer(*UNIT_OUTLINES).order_by(*SORTS[query.sort][1])
    )


def inbox_counts(*, user, filtered: QuerySet[Report]) -> dict[str, int]:
    """How many reports each stage holds among `filtered`, in one statement."""
    if not policy.user_is_ioc(user):
        return {}
    counted = {s.code: Count("pk", filter=s.q) if s.q else Count("pk") for s in policy.INBOX_STAGES}
    return filtered.aggregate(**counted)


def report_list_hidden(*, user) -> QuerySet[Report]:
    """Hidden reports for the supervisor: who hid each, when and why; unsigned ones first."""
    if not policy.user_is_supervisor(user):
        return Report.objects.none()
    last_hide = Transition.objects.filter(
        report=OuterRef("pk"), action=Transition.Action.HIDE
    ).order_by("-created_at")
    return (
        policy.reports_visible(user=user)
        .filter(hidden=True)
        .annotate(
            hidden_by=Subquery(last_hide.values("actor__username")[:1]),
            hidden_at=Subquery(last_hide.values("created_at")[:1]),
        )
        .select_related(*LIST_RELATED, "hide_reviewed_by")
        .defer(*UNIT_OUTLINES)
        .order_by("hide_reviewed_at", "-urgent", "due_at")
    )


def report_list_stage(*, user, stage: str, limit: int) -> QuerySet[Report]:
    """The first reports of one of the IOC's stages (the supervisor's overview)."""
    if not policy.user_is_supervisor(user):
        return Report.objects.none()
    return (
        policy.reports_visible(user=user)
        .filter(policy.INBOX_STAGE_CODES[stage].q)
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("due_at", "created_at")[:limit]
    )
