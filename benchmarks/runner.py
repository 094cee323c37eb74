"""`vetbot bench` / `make bench`: run every benchmark and collect the figures into one dict."""

from __future__ import annotations

import resource
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import booking_bench, engine_bench, http_bench, privacy_bench, report_bench
from benchmarks.understand_bench import bench_real, bench_synthetic
from bot.config import get_settings


def run_all(quick: bool = False, console: Console | None = None) -> dict[str, Any]:
    console = console or Console(stderr=True)
    figures: dict[str, Any] = {}
    rounds = 1 if quick else 3
    with console.status("understanding, real knowledge base…"):
        figures.update(bench_real(get_settings().policies_dir, rounds))
    with console.status("understanding, synthetic knowledge base of 10,000 entries…"):
        figures.update(bench_synthetic(10_000, rounds))
    with console.status("engine, SQLite and PostgreSQL…"):
        figures.update(engine_bench.run(quick=quick))
    with console.status("HTTP under wrk: /api/chat next to a bare echo endpoint…"):
        figures.update(http_bench.run(quick=quick))
    with console.status("bookings: hundreds confirming one slot of 10 places…"):
        figures.update(booking_bench.run(quick=quick))
    with console.status("reports: a year of a county's traffic, SQLite and PostgreSQL…"):
        figures.update(report_bench.run(quick=quick))
    with console.status("privacy: export, erase, scrub and key rotation in a year of traffic…"):
        figures.update(privacy_bench.run(quick=quick))
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    table = Table(title="vetbot bench")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, str(value))
    console.print(table)
    return figures
