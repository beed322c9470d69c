"""Vietnamese text folding so keywords match whether or not the citizen typed diacritics."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse whitespace: "Cột Điện" → "cot dien"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def keywords_found(keywords: list[str], text: str) -> list[str]:
    """The keywords that occur in the text as whole words, in the rule's order."""
    folded = fold(text)
    found = []
    for keyword in keywords:
        needle = fold(keyword)
        if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", folded):
            found.append(keyword)
    return found
