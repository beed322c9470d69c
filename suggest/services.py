"""Writes: training the category-suggestion model on the verified reports."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from reports.selectors import report_texts_verified
from suggest.engine import SuggestError, model_build, seed_samples
from suggest.models import SuggestModel
from suggest.selectors import category_texts
from suggest.store import samples_fingerprint

Progress = Callable[[Iterable, str], Iterable]


def _no_progress(items: Iterable, _label: str) -> Iterable:
    return items


@dataclass(frozen=True)
class RetrainOutcome:
    version: int | None  # the newest model after the run (None: still the seed)
    created: bool  # a new model was stored (never in a dry run)
    up_to_date: bool  # the newest model already learnt exactly this data
    reports: int  # verified reports learnt from
    samples: int  # with the categories' own texts
    codes: list[str] = field(default_factory=list)


def suggest_model_retrain(
    *, dry_run: bool = False, progress: Progress = _no_progress
) -> RetrainOutcome:
    """Fit the model on the active categories' texts and the newest SUGGEST_TRAIN_MAX_REPORTS
    verified reports in them, and store it as the newest version. Idempotent: the same data
    as the newest model's stores nothing. Older versions beyond SUGGEST_MODEL_KEEP go."""
    categories = category_texts()
    if len(categories) < 2:
        raise SuggestError(_("Cần ít nhất hai lĩnh vực đang dùng để học gợi ý (routing_load)."))
    active = {category.code for category in categories}
    rows = report_texts_verified(limit=settings.SUGGEST_TRAIN_MAX_REPORTS)
    verified = [
        (text, code) for text, code in progress(rows, _("phản ánh đã xác minh")) if code in active
    ]
    samples = seed_samples(categories) + verified
    codes = sorted({code for _, code in samples})
    fingerprint = samples_fingerprint(samples)
    latest = SuggestModel.objects.order_by("-id").only("id", "fingerprint").first()
    unchanged = latest is not None and latest.fingerprint == fingerprint
    if unchanged or dry_run:
        version = latest.pk if latest else None
        return RetrainOutcome(version, False, unchanged, len(verified), len(samples), codes)
    artefact = model_build(samples)
    with transaction.atomic():
        model = SuggestModel.objects.create(
            artefact=artefact,
            fingerprint=fingerprint,
            samples=len(samples),
            reports=len(verified),
            codes=codes,
        )
        keep = SuggestModel.objects.order_by("-id").values("id")[: settings.SUGGEST_MODEL_KEEP]
        SuggestModel.objects.exclude(id__in=keep).delete()
    return RetrainOutcome(model.pk, True, False, len(verified), len(samples), codes)
