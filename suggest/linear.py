"""The trained model as a web worker serves it: plain arrays and a dict, read with numpy only.

scikit-learn (and the ~110 MiB it brings into a process) is needed to fit the model, not to
apply it: TF-IDF of a short text and a softmax over 15 categories are a few dict look-ups and
one small matrix product. The stored form is an .npz archive, never a pickle, so loading a
model runs no code. `features` reproduces scikit-learn's "char_wb" and "word" analysers
exactly; tests/suggest/test_linear.py checks the probabilities against the fitted pipeline.
numpy itself is imported by the functions that use it: the URLs load this module, and a web
worker that never suggests a category never loads numpy (gis_portal/wsgi.py).
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """n-grams of each space-padded word (scikit-learn's analyzer="char_wb")."""
    grams = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = f" {word} "
        for n in range(low, high + 1):
            if len(word) <= n:
                grams.append(word)
                break
            grams += [word[i : i + n] for i in range(len(word) - n + 1)]
    return grams


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """Tokens of two or more word characters and their runs (analyzer="word")."""
    tokens = _TOKEN.findall(text)
    grams = []
    for n in range(low, high + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


class Vectoriser:
    """One TF-IDF block: sublinear term counts times idf, L2-normalised."""

    def __init__(self, *, kind: str, ngrams: tuple[int, int], terms, idf, offset: int):
        self.split = char_wb_ngrams if kind == "char_wb" else word_ngrams
        self.ngrams = ngrams
        self.index = {term: offset + i for i, term in enumerate(terms)}
        self.idf = idf
        self.offset = offset

    def weights(self, text: str) -> dict[int, float]:
        counts = Counter(g for g in self.split(text, *self.ngrams) if g in self.index)
        weights = {
            self.index[g]: (1 + math.log(n)) * float(self.idf[self.index[g] - self.offset])
            for g, n in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {i: w / norm for i, w in weights.items()}


class LinearModel:
    """Softmax(coef · tfidf(text) + intercept) over `classes`."""

    def __init__(self, *, blocks: list[Vectoriser], coef, intercept, classes, normalise):
        self.blocks = blocks
        self.coef = coef
        self.intercept = intercept
        self.classes = [str(code) for code in classes]
        self.normalise = normalise

    def proba(self, text: str) -> np.ndarray:
        import numpy as np

        clean = self.normalise(text)
        weights: dict[int, float] = {}
        for block in self.blocks:
            weights.update(block.weights(clean))
        scores = self.intercept.astype(np.float64).copy()
        if weights:
            columns = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
            values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
            scores += self.coef[:, columns] @ values
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()


def linear_export(pipeline) -> bytes:
    """The arrays of a fitted make_pipeline(make_union(tfidf, …), LogisticRegression)."""
    import numpy as np

    union, regression = (step for _, step in pipeline.steps)
    arrays = {
        "coef": regression.coef_.astype(np.float32),
        "intercept": regression.intercept_.astype(np.float32),
        "classes": np.array(regression.classes_, dtype=str),
    }
    for i, (_, vectoriser) in enumerate(union.transformer_list):
        terms = np.array(vectoriser.get_feature_names_out(), dtype=str)
        arrays[f"terms{i}"] = terms
        arrays[f"idf{i}"] = vectoriser.idf_.astype(np.float32)
        arrays[f"kind{i}"] = np.array(vectoriser.analyzer)
        arrays[f"ngrams{i}"] = np.array(vectoriser.ngram_range)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def linear_load(data: bytes, *, normalise: Callable[[str], str]) -> LinearModel:
    import numpy as np

    arrays = np.load(io.BytesIO(data), allow_pickle=False)
    blocks, offset, i = [], 0, 0
    while f"terms{i}" in arrays:
        terms = arrays[f"terms{i}"].tolist()
        blocks.append(
            Vectoriser(
                kind=str(arrays[f"kind{i}"]),
                ngrams=tuple(int(n) for n in arrays[f"ngrams{i}"]),
                terms=terms,
                idf=arrays[f"idf{i}"],
                offset=offset,
            )
        )
        offset += len(terms)
        i += 1
    return LinearModel(
        blocks=blocks,
        coef=arrays["coef"],
        intercept=arrays["intercept"],
        classes=arrays["classes"].tolist(),
        normalise=normalise,
    )
