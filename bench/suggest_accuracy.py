"""Category suggestion: accuracy on the labelled set, latency of one suggestion, memory.

    .venv/bin/python bench/suggest_accuracy.py [--repeat 5]

Needs no database: the categories come from data/routing/categories.toml (as routing_load
writes them), the labelled texts from tests/suggest/labelled.toml and the synthetic verified
reports from tests/suggest/synthetic.py (never the labelled texts). For the seed model and the
model trained on the synthetic reports it prints top-1/top-3 accuracy and the p50/p99 time of
one suggestion with the model as a web worker serves it (suggest.linear, numpy only: the work
of GET /api/v1/category-suggest besides its one query of the active categories). Then, in fresh
processes booted like a web worker (Django set up, URLs loaded), the resident memory before
and after the first suggestion: with the trained model loaded from its stored bytes, and with
the seed model fitted in the process (never trained; imports scikit-learn). Prints figures;
asserts nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from suggest.engine import (  # noqa: E402
    CategoryText,
    model_fit,
    model_load,
    model_rank,
    seed_samples,
)
from suggest.linear import linear_export  # noqa: E402
from tests.suggest.synthetic import labelled_texts, verified_texts  # noqa: E402

WORKER_PROBE = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns

def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024

before = rss()
from suggest.engine import model_build, model_load, model_rank, seed_samples
start = time.perf_counter()
if sys.argv[1] == "seed":
    sys.path.insert(0, "bench")
    from suggest_accuracy import categories
    model = model_load(model_build(seed_samples(categories())))
else:
    model = model_load(open(sys.argv[1], "rb").read())
model_rank(model, text="cột điện nghiêng", names={c: c for c in model.classes})
first = time.perf_counter() - start
print(f"{before:.1f} {rss():.1f} {first * 1000:.0f} {'sklearn' in sys.modules}")
"""


def worker_rss(label: str, source: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE, source],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    before, after, first_ms, sklearn = done.stdout.split()[-4:]
    print(
        f"  {label:<34} {before} MiB booted, {after} MiB after the first suggestion "
        f"(+{float(after) - float(before):.1f} MiB; first suggestion {first_ms} ms; "
        f"scikit-learn imported: {sklearn})"
    )


def categories() -> list[CategoryText]:
    with (ROOT / "data" / "routing" / "categories.toml").open("rb") as handle:
        records = tomllib.load(handle)["category"]
    return [
        CategoryText(r["code"], r["name"], r.get("description", ""), tuple(r.get("keywords", [])))
        for r in records
        if r.get("is_active", True)
    ]


def measure(label: str, pipeline, names: dict[str, str], repeat: int) -> None:
    samples = labelled_texts()
    top1 = top3 = 0
    times = []
    for _ in range(repeat):
        for text, code in samples:
            start = time.perf_counter()
            ranked = model_rank(pipeline, text=text, names=names)
            times.append(time.perf_counter() - start)
            top1 += ranked[0].code == code
            top3 += code in [s.code for s in ranked]
    n = len(samples) * repeat
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    print(
        f"  {label:<34} top-1 {top1 / n:.3f}  top-3 {top3 / n:.3f}  "
        f"one suggestion p50 {p50:.1f} ms  p99 {p99:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="passes over the labelled set")
    args = parser.parse_args()
    cats = categories()
    names = {c.code: c.name for c in cats}
    seed = seed_samples(cats)
    verified = verified_texts()
    print(f"Labelled set: {len(labelled_texts())} texts, {len(names)} active categories")

    start = time.perf_counter()
    seed_model = model_load(linear_export(model_fit(seed)))
    print(
        f"Seed model ({len(seed)} texts of the categories): fitted in "
        f"{time.perf_counter() - start:.2f} s"
    )
    measure("seed (categories only)", seed_model, names, args.repeat)

    start = time.perf_counter()
    trained = model_fit(seed + verified)
    fitted = time.perf_counter() - start
    artefact = linear_export(trained)
    print(
        f"Trained model (+{len(verified)} synthetic verified reports): fitted in {fitted:.2f} s, "
        f"stored {len(artefact) / 1024:.0f} KiB"
    )
    measure("trained (synthetic verified)", model_load(artefact), names, args.repeat)

    print("Web worker memory (a fresh process booted like one: Django set up, URLs loaded):")
    with tempfile.NamedTemporaryFile(suffix=".npz") as handle:
        handle.write(artefact)
        handle.flush()
        worker_rss("trained model loaded from the DB", handle.name)
    worker_rss("never trained: seed fitted in-process", "seed")


if __name__ == "__main__":
    main()
