"""prometheus_client's multiprocess mode, for gunicorn's several workers: each one writes its
request counts into files of its own in PROMETHEUS_MULTIPROC_DIR, and /metrics, in whichever
worker answers, sums the files of all of them.

gunicorn replaces a worker after max_requests, so files of exited workers pile up and every
scrape would read more of them. When a worker exits (gunicorn's child_exit hook, in the
master), its counters and histograms are folded into one archive file per type and its own
files removed; a scrape takes a shared lock, so it never sees a worker counted twice or not at
all. Imported by deploy/gunicorn.conf.py in the master: no Django here."""

import contextlib
import glob
import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

ENV = "PROMETHEUS_MULTIPROC_DIR"
LOCK_FILE = "fold.lock"
# Gauges are kept per process ("live" ones are dropped by mark_process_dead): not folded.
FOLDED_TYPES = ("counter", "histogram", "summary")


def multiproc_dir() -> str | None:
    """The folder, when this process runs in multiprocess mode (prometheus_client decides
    the same way, from the environment, when it is first imported)."""
    return os.environ.get(ENV) or None


@contextlib.contextmanager
def _locked(path: str, *, exclusive: bool) -> Iterator[None]:
    import fcntl

    with open(os.path.join(path, LOCK_FILE), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def multiproc_dir_reset(path: str) -> None:
    """At gunicorn's start: counts of a previous run would otherwise be added to this one's."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    for name in glob.glob(os.path.join(path, "*.db")):
        os.remove(name)


def _write(metrics, filename: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(filename)
    out = MmapedDict(filename)
    try:
        for metric in metrics:
            for sample in metric.samples:
                names, values = list(sample.labels), list(sample.labels.values())
                key = mmap_key(metric.name, sample.name, names, values, metric.documentation)
                out.write_value(key, sample.value, sample.timestamp or 0.0)
    finally:
        out.close()


def process_files_fold(pid: int, path: str) -> None:
    mark_process_dead(pid, path)
    with _locked(path, exclusive=True):
        for kind in FOLDED_TYPES:
            dead = os.path.join(path, f"{kind}_{pid}.db")
            if not os.path.exists(dead):
                continue
            archive = os.path.join(path, f"{kind}_archive.db")
            sources = [name for name in (archive, dead) if os.path.exists(name)]
            # accumulate=False: raw per-bucket values, as the files hold them.
            partial = archive + ".partial"  # not *.db: a scrape never reads it
            _write(MultiProcessCollector.merge(sources, accumulate=False), partial)
            os.replace(partial, archive)
            os.remove(dead)


class _LockedCollector(MultiProcessCollector):
    def collect(self):
        with _locked(self._path, exclusive=False):
            return list(super().collect())


def multiproc_registry(path: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    _LockedCollector(registry, path=path)
    return registry
