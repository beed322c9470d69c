"""Reads: the category suggestion for a citizen's text."""

from routing_rules.selectors import category_list
from suggest.engine import SUGGESTIONS_MAX, CategoryText, Suggestion, model_rank
from suggest.store import model_served


def category_texts() -> list[CategoryText]:
    """The active categories, with what the seed model learns them from."""
    rows = category_list().values_list("code", "name", "description", "keywords")
    return [
        CategoryText(code=code, name=name, description=description, keywords=tuple(keywords))
        for code, name, description, keywords in rows
    ]


def category_suggest(*, text: str, limit: int = SUGGESTIONS_MAX) -> list[Suggestion]:
    """At most `limit` active categories for the text, best first, scores summing to at most 1."""
    if not text.strip():
        return []
    categories = category_texts()
    if len(categories) < 2:
        return [Suggestion(code=c.code, name=c.name, score=1.0) for c in categories]
    model = model_served(categories=categories)
    names = {category.code: category.name for category in categories}
    return model_rank(model, text=text, names=names, limit=limit)
