"""The load run's figures: locust's CSV files read, a scenario's CPU and memory put per
request, and the Markdown tables bench/load_bench.py prints (and README quotes)."""

import csv
import io
import statistics

PERCENTILES = ("50%", "95%", "99%")


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def parse_stats(text: str) -> list[dict]:
    """Rows of locust's <prefix>_stats.csv: one per request name, the last "Aggregated"."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append(
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "average_bytes": _number(row["Average Content Size"]),
                **{f"p{p[:-1]}": _number(row[p]) for p in PERCENTILES},
            }
        )
    return rows


def parse_failures(text: str) -> list[str]:
    return [
        f"{row['Occurrences']}× {row['Name']}: {row['Error'][:160]}"
        for row in csv.DictReader(io.StringIO(text))
    ]


def summarize(name, rows, failures, probe, locust_cpu, load_before, boot_seconds=0.0) -> dict:
    total = rows[-1]["requests"] if rows else 0
    cpu = probe["cpu"]
    stack = cpu["gunicorn"] + cpu["postgres"] + cpu["nginx"]
    celery = cpu["worker"] + cpu["beat"] + cpu.get("postgres_worker", 0.0)
    measured = stack + celery + locust_cpu

    def per(seconds: float) -> float | None:
        return 1000 * seconds / total if total else None

    return {
        "scenario": name,
        "endpoints": rows,
        "failures": failures,
        "requests": total,
        "cpu_seconds": {**cpu, "locust": locust_cpu},
        "cpu_ms_per_request": {
            "gunicorn": per(cpu["gunicorn"]),
            "postgres": per(cpu["postgres"]),
            "nginx": per(cpu["nginx"]),
            # The worker and beat with their own PostgreSQL backends (notifications, e-mails).
            "celery": per(celery),
            "web_total": per(stack),
            # Of gunicorn's: starting the workers that replaced those past max_requests.
            "worker_boots": per(probe["workers_started"] * boot_seconds),
        },
        "requests_per_core_second": total / stack if stack else None,
        "other_cores": max(probe["machine_busy"] - measured, 0.0) / probe["seconds"],
        "client_cores": locust_cpu / probe["seconds"],
        "load_average_before": load_before,
        "workers_started": probe["workers_started"],
        "worker_rss_mib": [round(m.get("rss", 0) / 1024) for m in probe["worker_memory_kib"]],
        "worker_pss_mib": [round(m.get("pss", 0) / 1024) for m in probe["worker_memory_kib"]],
        "worker_rss_peak_mib": round(probe["worker_memory_peak_kib"] / 1024),
        "seconds": probe["seconds"],
    }


def fmt(value, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def endpoint_table(results: list[dict]) -> list[str]:
    lines = [
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = dict.fromkeys((r["scenario"], e["name"]) for r in results for e in r["endpoints"][:-1])
    for scenario, name in names:
        rows = [
            e
            for r in results
            if r["scenario"] == scenario
            for e in r["endpoints"]
            if e["name"] == name
        ]
        lines.append(
            f"| {name} | {sum(e['requests'] for e in rows):,}"
            f" | {fmt(median(e['rps'] for e in rows), 1)}"
            f" | {fmt(median(e['p50'] for e in rows))} | {fmt(median(e['p95'] for e in rows))}"
            f" | {fmt(median(e['p99'] for e in rows))} | {sum(e['failures'] for e in rows)} |"
        )
    return lines


def _span(values) -> str:
    values = sorted(set(values))
    if not values:
        return "–"
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def cpu_table(results: list[dict]) -> list[str]:
    """Per scenario (medians of its rounds): CPU milliseconds per request of each part, the
    requests one core serves (web: gunicorn + PostgreSQL + nginx), gunicorn workers started
    (max_requests), worker memory at the end, and the cores the client and others used."""
    lines = [
        "| scenario | req/s | gunicorn | PostgreSQL | nginx | Celery | web total"
        " | req/s per web core | workers started (boot ms/req) | worker RSS / PSS MiB"
        " | client cores"
        " | other cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in dict.fromkeys(r["scenario"] for r in results):
        rounds = [r for r in results if r["scenario"] == name]
        cpu = {
            k: median(r["cpu_ms_per_request"][k] for r in rounds)
            for k in rounds[0]["cpu_ms_per_request"]
        }
        rss = _span(v for r in rounds for v in r["worker_rss_mib"])
        pss = _span(v for r in rounds for v in r["worker_pss_mib"])
        lines.append(
            f"| {name} | {fmt(median(r['endpoints'][-1]['rps'] for r in rounds), 1)}"
            f" | {fmt(cpu['gunicorn'], 2)} | {fmt(cpu['postgres'], 2)} | {fmt(cpu['nginx'], 2)}"
            f" | {fmt(cpu['celery'], 2)} | {fmt(cpu['web_total'], 2)}"
            f" | {fmt(median(r['requests_per_core_second'] for r in rounds))}"
            f" | {sum(r['workers_started'] for r in rounds)} ({fmt(cpu['worker_boots'], 2)})"
            f" | {rss} / {pss}"
            f" | {fmt(median(r['client_cores'] for r in rounds), 2)}"
            f" | {fmt(median(r['other_cores'] for r in rounds), 2)} |"
        )
    return lines
