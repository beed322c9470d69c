"""The model a process serves, loaded lazily and reloaded when a newer one has been trained.

Each process keeps one model (suggest.linear: numpy arrays, no scikit-learn). At most every
SUGGEST_MODEL_CHECK_SECONDS it asks the database for the newest model's id (one indexed read of
a small table); a different id loads that model. Before any training it serves the seed model,
fitted in the process from the active categories' own words (which imports scikit-learn there:
run suggest_retrain once at deploy time to spare the web workers that), and fitted again when
those change.
"""

import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from suggest.engine import CategoryText, model_build, model_load, seed_samples
from suggest.linear import LinearModel
from suggest.models import SuggestModel


@dataclass(frozen=True)
class Served:
    version: int | None  # None: the seed model
    key: str  # the seed's fingerprint, or the trained model's id
    model: LinearModel
    checked_at: float


_served: Served | None = None
_lock = threading.Lock()


def samples_fingerprint(samples: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for text, code in sorted(samples):
        digest.update(f"{code}\x1f{text}\x1e".encode())
    return digest.hexdigest()


def model_latest_version() -> int | None:
    return SuggestModel.objects.order_by("-id").values_list("id", flat=True).first()


def model_served(*, categories: list[CategoryText]) -> LinearModel:
    """The model to rank with, as described above."""
    global _served
    served = _served
    now = time.monotonic()
    if served and now - served.checked_at < settings.SUGGEST_MODEL_CHECK_SECONDS:
        return served.model
    with _lock:
        version = model_latest_version()
        if version is not None and (served is None or served.version != version):
            # The newest again, with its bytes: a retrain may have stored (and pruned) since.
            newest = SuggestModel.objects.order_by("-id").values_list("id", "artefact").first()
            version = newest[0] if newest else None
            if newest:
                served = Served(version, str(version), model_load(bytes(newest[1])), now)
        if version is None:
            samples = seed_samples(categories)
            key = samples_fingerprint(samples)
            if served is None or served.version is not None or served.key != key:
                served = Served(None, key, model_load(model_build(samples)), now)
        _served = Served(served.version, served.key, served.model, now)
        return served.model


def model_served_version() -> int | None:
    """The version this process serves (None: the seed model, or nothing loaded yet)."""
    return _served.version if _served else None


def model_forget() -> None:
    """Drop the process's model (tests; the next suggestion loads again)."""
    global _served
    _served = None
