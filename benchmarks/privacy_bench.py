"""Exporting and erasing one person in a year of a county's traffic, on SQLite.

The year of benchmarks/report_bench.py (200,000 messages, 20,000 conversations, 5,000 requests,
3,000 tickets, 2,000 bookings) is bulk-loaded; one user is given a form with a phone number.
Then: export them, erase them (the transaction, with the sweep of their phone through every
text column), scrub the file (VACUUM and the WAL emptied), and rotate the data key over every
request. The figures say how long each took and how large the file is.

`python -m benchmarks.privacy_bench [--quick]` prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

from benchmarks.report_bench import _load_sqlite, _rows
from bot.config import get_settings
from bot.privacy import rotation
from bot.privacy.erase import erase, scrub
from bot.privacy.export import export
from bot.privacy.people import Actor, find, named
from bot.privacy.sealing import DataKey
from policies.loader import load
from storage import migrate
from storage.database import Database
from storage.models import ServiceRequest

PHONE = "13912345678"
OLD, NEW = DataKey(b"benchmark old data key 0123456789"), b"benchmark new data key 0123456789"


async def _run() -> dict[str, float | int]:
    kb = load(get_settings().policies_dir)
    rows = _rows(kb)
    figures: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "privacy.db"
        database = Database(f"sqlite:///{path}")
        try:
            await migrate.upgrade(database)
            _load_sqlite(path, rows)
            async with database.transaction() as session:
                await session.execute(
                    update(ServiceRequest)
                    .where(ServiceRequest.id == 1)
                    .values(
                        answers={
                            "name": "张三",
                            "phone": PHONE,
                            "id": OLD.seal("11010519491231002X"),
                        }
                    )
                )
                await session.execute(
                    update(ServiceRequest)
                    .where(ServiceRequest.id > 1)
                    .values(answers={"id": OLD.seal("11010519491231002X")})
                )
            figures["privacy_file_mb"] = round(path.stat().st_size / 2**20, 1)
            who, actor = named("phone", PHONE), Actor("bench")
            started = time.perf_counter()
            async with database.transaction() as session:
                person = await find(session, who)
                done = await export(session, OLD, person, who, actor, "benchmark")
            figures["privacy_export_s"] = round(time.perf_counter() - started, 3)
            figures["privacy_export_rows"] = done.rows()
            started = time.perf_counter()
            async with database.transaction() as session:
                erased = await erase(session, OLD, person, who, actor, "benchmark")
            figures["privacy_erase_s"] = round(time.perf_counter() - started, 3)
            figures["privacy_erase_rows"] = erased.total
            started = time.perf_counter()
            await scrub(database)
            figures["privacy_scrub_s"] = round(time.perf_counter() - started, 3)
            assert PHONE.encode() not in path.read_bytes()
            key = DataKey(NEW, (OLD,))
            started = time.perf_counter()
            results = await rotation.rotate(database, key)
            figures["privacy_rotate_s"] = round(time.perf_counter() - started, 3)
            figures["privacy_rotate_values"] = sum(p.resealed for p in results)
        finally:
            await database.dispose()
    return figures


def run(quick: bool = False) -> dict[str, float | int]:
    return asyncio.run(_run())


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
