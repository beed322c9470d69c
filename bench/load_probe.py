"""CPU time and memory of the stack's processes, read from /proc while a load scenario runs.

A daemon with a master (gunicorn, the Celery worker, nginx) is measured as the master's own
time plus its children's: live children from their /proc/<pid>/stat, children that exited
(gunicorn replaces a worker every ~1,000 requests) from the master's cutime/cstime, which the
kernel adds when the master reaps them. So the difference between two samples is exact,
however many workers came and went in between. PostgreSQL backends are children of the
postmaster, which serves other databases too: they are followed one by one instead (their
process title names the user and database), polled often, so a backend that exits loses at
most one poll interval of its time. Each backend is put on the web's side when its client port
is a socket of a gunicorn worker, else on the Celery side (the worker and beat).
"""

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    own: float  # utime + stime, seconds
    reaped: float  # cutime + cstime: children that exited and were waited for, seconds


def proc_stat(pid: int) -> ProcStat | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return ProcStat(pid, int(fields[1]), (utime + stime) / TICKS, (cutime + cstime) / TICKS)


def all_stats() -> dict[int, ProcStat]:
    stats = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) is not None:
            stats[stat.pid] = stat
    return stats


def tree_seconds(root: int, stats: dict[int, ProcStat]) -> float:
    """The root's time, its reaped children's, and its live descendants' own (and reaped)."""
    if root not in stats:
        return 0.0
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats[pid].own + stats[pid].reaped
        todo.extend(children.get(pid, ()))
    return total


def children_of(root: int, stats: dict[int, ProcStat]) -> list[int]:
    return sorted(s.pid for s in stats.values() if s.ppid == root)


def cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def backend_pattern(user: str, database: str) -> re.Pattern:
    # "postgres: 15/main: user database 127.0.0.1(port) idle" (cluster_name is optional).
    return re.compile(rf"^postgres: (?:\S+: )?{re.escape(user)} {re.escape(database)} ")


def client_port(title: str) -> int | None:
    found = re.search(r"\((\d+)\)", title)
    return int(found.group(1)) if found else None


def socket_ports(pids: list[int]) -> set[int]:
    """Local TCP ports of the processes' sockets (/proc/<pid>/fd and /proc/net/tcp{,6})."""
    inodes = set()
    for pid in pids:
        try:
            for fd in (PROC / str(pid) / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for name in ("tcp", "tcp6"):
        for line in (PROC / "net" / name).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS from status and Pss from smaps_rollup (RSS counts pages shared with the master)."""
    found = {}
    for name, key, label in (("status", "VmRSS:", "rss"), ("smaps_rollup", "Pss:", "pss")):
        try:
            for line in (PROC / str(pid) / name).read_text().splitlines():
                if line.startswith(key):
                    found[label] = int(line.split()[1])
                    break
        except OSError:
            pass
    return found


def machine_busy_seconds() -> float:
    """All CPUs' busy time since boot (everything but idle and iowait), in seconds."""
    first = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first[:8]]
    return (sum(values) - values[3] - values[4]) / TICKS


@dataclass
class Sample:
    at: float
    masters: dict[str, float]
    backends: dict[int, float]
    busy: float


@dataclass
class Probe:
    """Polls in a thread from start() to stop(); `result()` gives CPU seconds per group."""

    masters: dict[str, int]  # group name -> master pid (gunicorn, worker, beat, nginx)
    backend: re.Pattern
    worker_master: int  # gunicorn's master, whose children's memory is recorded
    interval: float = 0.5
    samples: list[Sample] = field(default_factory=list)
    backend_first: dict[int, float] = field(default_factory=dict)
    backend_last: dict[int, float] = field(default_factory=dict)
    workers_seen: set[int] = field(default_factory=set)
    memory: dict[int, dict[str, int]] = field(default_factory=dict)
    web_backends: set[int] = field(default_factory=set)
    other_backends: set[int] = field(default_factory=set)

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._baseline: set[int] = set()
        self._initial_workers: set[int] = set()

    def _sample(self) -> Sample:
        stats = all_stats()
        masters = {name: tree_seconds(pid, stats) for name, pid in self.masters.items()}
        titles = {pid: cmdline(pid) for pid in stats}
        backends = {
            pid: stats[pid].own for pid, title in titles.items() if self.backend.match(title)
        }
        new = [pid for pid in backends if pid not in self.web_backends | self.other_backends]
        if new:
            web_ports = socket_ports(children_of(self.worker_master, stats))
            for pid in new:
                web = client_port(titles[pid]) in web_ports
                (self.web_backends if web else self.other_backends).add(pid)
        for pid in children_of(self.worker_master, stats):
            self.workers_seen.add(pid)
            mem = memory_kib(pid)
            peak = self.memory.setdefault(pid, {})
            for key, value in mem.items():
                peak[key] = max(peak.get(key, 0), value)
        return Sample(time.monotonic(), masters, backends, machine_busy_seconds())

    def _record(self, sample: Sample) -> None:
        self.samples.append(sample)
        for pid, seconds in sample.backends.items():
            self.backend_first.setdefault(pid, seconds)
            self.backend_last[pid] = seconds

    def start(self) -> None:
        first = self._sample()
        self._baseline = set(first.backends)
        self._initial_workers = set(self.workers_seen)
        self._record(first)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._record(self._sample())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._record(self._sample())

    def result(self) -> dict:
        first, last = self.samples[0], self.samples[-1]
        cpu = {name: last.masters[name] - first.masters[name] for name in self.masters}
        # A backend born during the run spent all its time on it; one there before, the rest.
        for name, pids in (
            ("postgres", self.web_backends),
            ("postgres_worker", self.other_backends),
        ):
            cpu[name] = sum(
                self.backend_last[pid] - (self.backend_first[pid] if pid in self._baseline else 0.0)
                for pid in self.backend_last
                if pid in pids
            )
        live = children_of(self.worker_master, all_stats())
        return {
            "seconds": last.at - first.at,
            "cpu": cpu,
            "machine_busy": last.busy - first.busy,
            "workers_started": len(self.workers_seen - self._initial_workers),
            "worker_memory_kib": [self.memory[pid] for pid in live if pid in self.memory],
            "worker_memory_peak_kib": max(
                (m.get("rss", 0) for m in self.memory.values()), default=0
            ),
        }


def busy_seconds(masters: list[int], backend: re.Pattern) -> float:
    stats = all_stats()
    own = sum(tree_seconds(pid, stats) for pid in masters)
    return own + sum(s.own for pid, s in stats.items() if backend.match(cmdline(pid)))


def settle(masters: list[int], backend: re.Pattern, *, cores=0.05, window=2.0, limit=180.0):
    """Wait until the stack is idle: beat's first tasks after a start (the map cells, the
    statistics snapshot) and the worker's notifications of the last scenario's reports would
    otherwise be counted against the next scenario. Returns the seconds waited."""
    started = time.monotonic()
    last = busy_seconds(masters, backend)
    while time.monotonic() - started < limit:
        time.sleep(window)
        now = busy_seconds(masters, backend)
        if (now - last) / window < cores:
            break
        last = now
    return time.monotonic() - started
