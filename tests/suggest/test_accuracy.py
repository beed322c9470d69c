"""Accuracy on the hand-written labelled set, before and after learning verified reports.

The labelled texts (labelled.toml) are never trained on: the trained model learns synthetic
verified reports (synthetic.py) filed in the database and read back by the retrain service.
"""

import pytest

from routing_rules.text import fold
from suggest.selectors import category_suggest
from suggest.services import suggest_model_retrain
from tests.suggest.synthetic import labelled_texts, verified_texts


def accuracy() -> tuple[float, float]:
    samples = labelled_texts()
    ranked = [([s.code for s in category_suggest(text=text)], code) for text, code in samples]
    top1 = sum(codes[0] == code for codes, code in ranked) / len(samples)
    top3 = sum(code in codes for codes, code in ranked) / len(samples)
    return top1, top3


def test_the_labelled_set_is_large_and_never_trained_on():
    labelled = labelled_texts()
    assert len(labelled) >= 80
    assert not {fold(text) for text, _ in labelled} & {fold(text) for text, _ in verified_texts()}


@pytest.mark.django_db
def test_seed_and_trained_models_reach_their_floors(categories, file_reports):
    seed_top1, seed_top3 = accuracy()
    assert seed_top1 >= 0.65 and seed_top3 >= 0.8, (seed_top1, seed_top3)

    file_reports(verified_texts())
    assert suggest_model_retrain().created
    top1, top3 = accuracy()
    assert top1 >= 0.75 and top3 >= 0.9, (top1, top3)
    assert top1 > seed_top1 and top3 >= seed_top3
