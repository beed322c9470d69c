"""The served model (numpy only) gives scikit-learn's own probabilities for the fitted pipeline."""

import numpy as np

from suggest.engine import model_fit, model_load, seed_samples
from suggest.linear import linear_export
from suggest.selectors import CategoryText
from tests.suggest.synthetic import labelled_texts, verified_texts

CATEGORIES = [
    CategoryText("ha-tang-dien", "Điện", "Cột điện nghiêng, dây điện võng.", ("cột điện",)),
    CategoryText("ha-tang-duong", "Đường", "Ổ gà, sụt lún, vỉa hè.", ("ổ gà", "cầu")),
    CategoryText("khac", "Khác", "Các vấn đề khác.", ()),
]


def test_served_probabilities_are_the_pipelines():
    training = seed_samples(CATEGORIES) + [
        (text, code) for text, code in verified_texts(per_category=4) if code in {"khac"}
    ]
    pipeline = model_fit(training)
    served = model_load(linear_export(pipeline))
    texts = [text for text, _ in labelled_texts()] + ["", "   ", "0912 345 678", "ổ"]
    expected = pipeline.predict_proba(texts)
    got = np.array([served.proba(text) for text in texts])
    assert served.classes == list(pipeline.classes_)
    np.testing.assert_allclose(got, expected, atol=1e-5)
