"""The bureau's year report over a year of a county's traffic, on SQLite and on PostgreSQL.

A year (2026) of synthetic rows is bulk-loaded straight into the tables (one executemany a
table on SQLite, COPY on PostgreSQL; not through the engine: this measures the report, not
the chat): 200,000 messages in 20,000 conversations on
three channels, their questions with outcomes and the entries answered; 5,000 requests with
their states and histories; 3,000 tickets with staff replies, resolutions, escalations and
ratings; 2,000 booked visits. Then `bot.reports.scope.report` runs for the whole year and for
one month, for all stations and for one town with its villages (target: the year under 2 s).
The figures say how long each took and what the year report counted, so a wrong count shows.

`vetbot bench` calls `run()`; `python -m benchmarks.report_bench [--quick]` prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg

from bot.calendar.hours import WorkingHours
from bot.config import get_settings
from bot.reports.period import Period
from bot.reports.scope import report
from policies.loader import KnowledgeBase, load
from storage import migrate
from storage.database import Database

MESSAGES, CONVERSATIONS, REQUESTS, TICKETS, BOOKINGS = 200_000, 20_000, 5_000, 3_000, 2_000
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
MONTH = Period.month("2026-12")
POSTGRES = os.environ.get("VETBOT_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
OUTCOMES = (
    ["answer"] * 50
    + ["clarify"] * 8
    + ["intent:out_of_scope"] * 5
    + ["fallback"] * 10
    + ["handoff"] * 6
    + ["urgent"] * 1
    + ["menu"] * 10
    + ["flow"] * 10
)
START = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=8)  # county midnight
SECONDS = int((datetime(2027, 1, 1, tzinfo=UTC) - timedelta(hours=8) - START).total_seconds())


def _moment(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randrange(SECONDS))


def _rows(kb: KnowledgeBase, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Every row of the synthetic year, ids assigned here so rows can refer to each other."""
    rng = random.Random(seed)
    stations = [s.id for s in kb.stations]
    entries = [e.id for e in kb.entries]
    types = [r.id for r in kb.request_types]
    created = datetime(2025, 12, 1, tzinfo=UTC)
    users = [{"id": n, "created_at": created} for n in range(1, CONVERSATIONS + 1)]
    conversations: list[dict[str, Any]] = [
        {
            "id": n,
            "channel": rng.choice(("web", "wechat", "telegram")),
            "chat_id": f"c{n}",
            "external_user_id": f"c{n}",
            "user_id": n,
            "values": {},
            "options": [],
            "language": "zh",
            "station_id": rng.choice([*stations, None]),
            "fallbacks": 0,
            "created_at": created,
            "updated_at": created,
        }
        for n in range(1, CONVERSATIONS + 1)
    ]
    messages: list[dict[str, Any]] = []
    for n in range(MESSAGES // 2):  # a question and its reply
        conversation = rng.randrange(1, CONVERSATIONS + 1)
        at = _moment(rng)
        outcome = rng.choice(OUTCOMES)
        entry = rng.choice(entries) if outcome == "answer" else None
        for direction in ("in", "out"):
            messages.append(
                {
                    "conversation_id": conversation,
                    "direction": direction,
                    "text": f"synthetic {n}",
                    "payload": None,
                    "options": [],
                    "outcome": outcome,
                    "entry_id": entry if direction == "in" else None,
                    "created_at": at,
                }
            )
    requests: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for n in range(1, REQUESTS + 1):
        at = _moment(rng)
        state = rng.choice(("submitted", "accepted", "in_progress", "done", "done", "rejected"))
        requests.append(
            {
                "id": n,
                "number": f"PJ-2026-{n:06d}",
                "user_id": rng.randrange(1, CONVERSATIONS + 1),
                "type_id": rng.choice(types),
                "station_id": rng.choice(stations),
                "state": state,
                "answers": {},
                "language": "zh",
                "channel": "web",
                "chat_id": "x",
                "external_user_id": "x",
                "created_at": at,
                "updated_at": at,
            }
        )
        events.append(_event(n, "submitted", at))
        if state == "done":
            events.append(_event(n, "done", at + timedelta(hours=rng.randrange(2, 400))))
    tickets: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    for n in range(1, TICKETS + 1):
        at = _moment(rng)
        resolved = at + timedelta(hours=rng.randrange(1, 120)) if rng.random() < 0.8 else None
        station = rng.choice(stations)
        tickets.append(
            {
                "id": n,
                "user_id": rng.randrange(1, CONVERSATIONS + 1),
                "conversation_id": rng.randrange(1, CONVERSATIONS + 1),
                "station_id": station,
                "category": "asked",
                "reason": "asked",
                "urgent": False,
                "status": "resolved" if resolved else "waiting",
                "callback": False,
                "summary": "",
                "escalations": 0,
                "resolution": "",
                "resolved_at": resolved,
                "rating": rng.randrange(1, 6) if resolved and rng.random() < 0.5 else None,
                "rated_at": resolved,
                "created_at": at,
                "updated_at": at,
            }
        )
        if resolved:
            replied = at + (resolved - at) / 3
            audit.append(_audit("reply", station, n, replied, {}))
        if rng.random() < 0.15:
            audit.append(_audit("escalate", station, n, at, {"from": "x", "to": station}))
    slots: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    taken: set[tuple[str, date, str]] = set()
    for n in range(1, BOOKINGS + 1):
        while True:  # one booking a slot: each slot's row is unique
            day = YEAR.first + timedelta(days=rng.randrange(365))
            place = (rng.choice(stations), day, rng.choice(("上午", "下午")))
            if place not in taken:
                taken.add(place)
                break
        slots.append(
            {
                "id": n,
                "station_id": place[0],
                "day": day,
                "slot": place[2],
                "capacity": 10,
                "booked": 1,
            }
        )
        bookings.append(
            {
                "number": f"PJY-2026-{n:06d}",
                "user_id": rng.randrange(1, CONVERSATIONS + 1),
                "slot_id": n,
                "service": "优待证",
                "state": rng.choice(("booked", "attended", "attended", "no_show", "cancelled")),
                "language": "zh",
                "channel": "web",
                "chat_id": "x",
                "external_user_id": "x",
                "created_at": datetime.combine(day, datetime.min.time(), UTC) - timedelta(days=3),
                "updated_at": datetime.combine(day, datetime.min.time(), UTC),
            }
        )
    return {
        "users": users,
        "conversations": conversations,
        "messages": messages,
        "requests": requests,
        "request_events": events,
        "tickets": tickets,
        "audit_log": audit,
        "booking_slots": slots,
        "bookings": bookings,
    }


def _event(request_id: int, state: str, at: datetime) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "state": state,
        "actor": "bench",
        "note": "",
        "created_at": at,
    }


def _audit(
    action: str, station: str, ticket: int, at: datetime, detail: dict[str, str]
) -> dict[str, Any]:
    return {
        "at": at,
        "staff_id": None,
        "username": "bench",
        "action": action,
        "station_id": station,
        "ticket_id": ticket,
        "subject": None,
        "detail": detail,
    }


TABLES = (
    "users",
    "conversations",
    "messages",
    "requests",
    "request_events",
    "tickets",
    "audit_log",
    "booking_slots",
    "bookings",
)
SERIAL = ("users", "conversations", "requests", "tickets", "booking_slots")


def _sqlite_value(value: object) -> object:
    """A value as SQLAlchemy stores it in SQLite (UTC text timestamps, JSON text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _load_sqlite(path: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    """One executemany a table on a plain sqlite3 connection, in one transaction."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for table in TABLES:
                columns = list(rows[table][0])
                quoted = ", ".join(f'"{c}"' for c in columns)  # `values` is a keyword
                statement = (
                    f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' for _ in columns)})"
                )
                connection.executemany(
                    statement, ([_sqlite_value(r[c]) for c in columns] for r in rows[table])
                )
    finally:
        connection.close()


async def _load_postgresql(schema: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """COPY every table, then move the id sequences on and refresh the planner's statistics."""
    connection = await asyncpg.connect(POSTGRES, server_settings={"search_path": schema})
    try:
        async with connection.transaction():
            for table in TABLES:
                columns = list(rows[table][0])
                records = [
                    tuple(
                        json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                        for v in (r[c] for c in columns)
                    )
                    for r in rows[table]
                ]
                await connection.copy_records_to_table(
                    table, records=records, columns=columns, schema_name=schema
                )
            for table in SERIAL:
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def _figures(
    name: str,
    database: Database,
    load_rows: Callable[[], Awaitable[None]],
    kb: KnowledgeBase,
    rounds: int,
) -> dict[str, float | int | str]:
    hours = WorkingHours.parse(get_settings().work_hours)
    await migrate.upgrade(database)
    started = time.perf_counter()
    await load_rows()
    figures: dict[str, float | int | str] = {
        f"report_{name}_load_s": round(time.perf_counter() - started, 2)
    }
    town = next(s.id for s in kb.stations if s.level == "town")
    cases = {"year": (YEAR, None), "month": (MONTH, None), "year_town": (YEAR, town)}
    for case, (period, station) in cases.items():
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            found = await report(database, kb, hours, period, station=station)
            times.append(time.perf_counter() - started)
        figures[f"report_{name}_{case}_s"] = round(min(times), 3)
        figures[f"report_{name}_{case}_first_s"] = round(times[0], 3)
        if case == "year":
            figures[f"report_{name}_year_messages"] = found.messages
            figures[f"report_{name}_year_questions"] = found.questions.total
            figures[f"report_{name}_year_containment"] = found.questions.containment or 0.0
            figures[f"report_{name}_year_requests"] = sum(r.filed for r in found.requests)
            figures[f"report_{name}_year_tickets"] = sum(t.opened for t in found.tickets)
            figures[f"report_{name}_year_bookings_due"] = sum(b.due for b in found.bookings)
            figures[f"report_{name}_year_median_days_to_done"] = statistics.median(
                r.median_days_to_done for r in found.requests if r.median_days_to_done is not None
            )
    return figures


async def _all(quick: bool) -> dict[str, float | int | str]:
    kb = load(get_settings().policies_dir)
    rows = _rows(kb)
    rounds = 1 if quick else 3
    figures: dict[str, float | int | str] = {
        "report_rows_messages": len(rows["messages"]),
        "report_rows_requests": len(rows["requests"]),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report-bench.db"
        database = Database(f"sqlite:///{path}")
        try:
            load_rows = partial(asyncio.to_thread, _load_sqlite, path, rows)
            figures.update(await _figures("sqlite", database, load_rows, kb, rounds))
        finally:
            await database.dispose()
    try:
        connection = await asyncpg.connect(POSTGRES, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        figures["report_postgresql"] = f"skipped: no PostgreSQL at {POSTGRES} ({exc})"
        return figures
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        database = Database(POSTGRES, search_path=schema)
        try:
            load_rows = partial(_load_postgresql, schema, rows)
            figures.update(await _figures("postgresql", database, load_rows, kb, rounds))
        finally:
            await database.dispose()
    finally:
        await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await connection.close()
    return figures


def run(quick: bool = False) -> dict[str, float | int | str]:
    """Every figure of this file (called by `vetbot bench`, outside any running event loop)."""
    return asyncio.run(_all(quick))


if __name__ == "__main__":
    for figure, value in run(quick="--quick" in sys.argv).items():
        print(f"{figure:48} {value}")
