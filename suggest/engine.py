"""The suggestion model: TF-IDF over character n-grams of accent-folded text and a multinomial
logistic regression, fitted on the categories' own words (the seed) and on verified reports.

Character n-grams within words match "cot dien", "cột điện" and "cọt điên" alike, and word
pieces ("ngập", "ngập úng") carry over between phrasings. scikit-learn fits the model and is
imported inside model_fit only; a fitted model is served by suggest.linear with numpy alone.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from routing_rules.text import fold
from suggest.linear import LinearModel, linear_export, linear_load

SUGGESTIONS_MAX = 3
_DIGITS = re.compile(r"\d+")
# The model's inputs are folded (lower case, no diacritics, đ → d) before the n-grams:
# letter runs of 2–5 within words,
NGRAMS = (2, 5)
# Whole folded words and word pairs besides: "mat dien" is more than its letters. C (inverse
# regularisation) and both ranges were chosen on the labelled set (README, "Category suggestion").
WORD_NGRAMS = (1, 2)
C = 5.0


@dataclass(frozen=True)
class CategoryText:
    """What the seed model learns a category from (data/routing/categories.toml)."""

    code: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float


def normalise(text: str) -> str:
    """The model's view of a text: folded, and every number one token ("0"), so a phone or
    plate number in a report never becomes a feature of its own."""
    return _DIGITS.sub("0", fold(text))


def seed_samples(categories: Iterable[CategoryText]) -> list[tuple[str, str]]:
    """(text, code) pairs from each category's name, the clauses of its description and its
    keywords: enough for a first model before any report is verified."""
    samples = []
    for category in categories:
        texts = [category.name, category.description, *category.keywords]
        # "Hạ tầng đô thị – điện (cột điện, đường dây)": the part after the dash and the
        # parenthesis each say what the category is about.
        texts += re.split(r"\s*[–()]\s*", category.name)
        texts += re.split(r"[,;.]", category.description)
        samples += [(text.strip(), category.code) for text in texts if text.strip()]
    return samples


class SuggestError(Exception):
    """The model cannot be built from what there is to learn from."""


def model_fit(samples: Sequence[tuple[str, str]]):
    """A fitted scikit-learn pipeline (text → category code probabilities)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from threadpoolctl import threadpool_limits

    codes = {code for _, code in samples}
    if len(codes) < 2:
        raise SuggestError(_("Cần ít nhất hai lĩnh vực có nội dung để học gợi ý."))
    pipeline = make_pipeline(
        make_union(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=NGRAMS, preprocessor=normalise, sublinear_tf=True
            ),
            TfidfVectorizer(
                analyzer="word", ngram_range=WORD_NGRAMS, preprocessor=normalise, sublinear_tf=True
            ),
        ),
        LogisticRegression(C=C, max_iter=2000, class_weight="balanced"),
    )
    # One BLAS thread: on a busy machine (a web worker, beat's worker) several threads spin
    # against each other, and fitting the seed took 7–12 s instead of 0.5 s.
    with threadpool_limits(limits=1):
        pipeline.fit([text for text, _ in samples], [code for _, code in samples])
    return pipeline


def model_build(samples: Sequence[tuple[str, str]]) -> bytes:
    """The stored form of a model fitted on `samples` (suggest.linear: arrays, no pickle)."""
    return linear_export(model_fit(samples))


def model_load(data: bytes) -> LinearModel:
    return linear_load(data, normalise=normalise)


def model_rank(
    model: LinearModel, *, text: str, names: dict[str, str], limit: int = SUGGESTIONS_MAX
) -> list[Suggestion]:
    """The best `limit` categories among `names` (the active ones: code → name), best first;
    the scores are the model's probabilities shared out again among those categories."""
    pairs = zip(model.classes, model.proba(text), strict=True)
    scored = [(code, float(p)) for code, p in pairs if code in names]
    total = sum(p for _, p in scored) or 1.0
    scored.sort(key=lambda item: (-item[1], item[0]))
    return [
        Suggestion(code=code, name=names[code], score=round(p / total, 3))
        for code, p in scored[:limit]
    ]
