"""Faults under load, counted: `vetbot serve --workers 2` on a fresh PostgreSQL database, load
from a process of its own (`benchmarks/fault_load.py`), and during it one fault; afterwards every
message id the load generator sent is compared with the database's message log.

Faults (each on its own fresh database, one after the other when several are asked for):

- `kill`: `kill -9` one worker process of the uvicorn supervisor, which starts a new one.
- `postgres`: restart PostgreSQL (`pg_ctlcluster VERSION NAME restart -m fast`), waiting for
  `pg_isready`. Other work may be using the same server: only run it when asked.

Printed for each fault: messages answered at the first attempt, refused (503) or cut off
(connection error) and answered on a retry of the same id, and the ones that must be 0: lost
(answered, or given up, but not in the log), doubled (logged more than once), final statuses
other than 200, and messages waiting in the outbox at the end.

    python -m benchmarks.faults [--fault kill] [--fault postgres] [--seconds 20] [--slots 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.http_bench import (
    free_port,
    migrate,
    postgres_database,
    processes,
    serve_command,
    server_env,
    start,
    stop,
)

WORKERS = 2
FAULT_AT = 0.3  # of the load's duration
# uvicorn's supervisor notices a dead worker within half a second, or, when the worker died
# while the supervisor was waiting for its answer to a health ping, only when that wait ends
# (`timeout_worker_healthcheck`, 120 s in `vetbot serve`): wait longer than that.
REPLACED_WITHIN = 150


@dataclass
class Sent:
    """One message of the load generator: its id, user, and every attempt's status or error."""

    message_id: str
    user: str
    attempts: list[dict[str, Any]]

    @property
    def answered(self) -> bool:
        return self.attempts[-1].get("status") == 200

    @property
    def retried(self) -> bool:
        return len(self.attempts) > 1


@dataclass
class Counts:
    fault: str
    sent: int = 0
    answered_once: int = 0
    answered_on_retry: int = 0
    lost: int = 0
    doubled: int = 0
    not_answered: int = 0  # a final status other than 200, or retries given up
    outbox_pending: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # of every attempt
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("messages sent (ids)", str(self.sent)),
            ("answered once, first attempt", str(self.answered_once)),
            ("refused or cut off, answered on retry", str(self.answered_on_retry)),
            ("lost (0 wanted)", str(self.lost)),
            ("doubled (0 wanted)", str(self.doubled)),
            ("not answered in the end (0 wanted)", str(self.not_answered)),
            ("outbox pending at the end (0 wanted)", str(self.outbox_pending)),
        ]

    def attempts(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))


def workers(supervisor: int) -> list[int]:
    """The uvicorn supervisor's worker processes (multiprocessing's spawned children; not its
    resource tracker)."""
    found = []
    for pid in processes(supervisor)[1:]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(pid)
    return found


def kill_worker(server: subprocess.Popen[bytes], notes: list[str]) -> None:
    """`kill -9` one worker; note whether and when the supervisor starts a replacement."""
    before = workers(server.pid)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    notes.append(f"kill -9 worker {victim} (of {before})")
    while time.monotonic() - killed < REPLACED_WITHIN:
        now = workers(server.pid)
        if len(now) >= WORKERS and victim not in now:
            notes.append(
                f"replacement worker {set(now) - set(before)} running after "
                f"{time.monotonic() - killed:.1f} s"
            )
            return
        time.sleep(0.1)
    notes.append(
        f"NO replacement worker within {REPLACED_WITHIN} s: workers now {workers(server.pid)}"
    )


def restart_postgres(cluster: str, notes: list[str]) -> None:
    """Restart the PostgreSQL cluster `cluster` ("15/main") and wait until it takes connections."""
    version, name = cluster.split("/")
    began = time.monotonic()
    done = subprocess.run(
        ["pg_ctlcluster", version, name, "restart", "-m", "fast"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        notes.append(f"pg_ctlcluster failed ({done.returncode}): {done.stderr.strip()}")
    while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode:
        if time.monotonic() - began > 120:
            notes.append("PostgreSQL not ready 120 s after the restart")
            return
        time.sleep(0.1)
    notes.append(f"PostgreSQL restarted, pg_isready after {time.monotonic() - began:.1f} s")


def read_sent(path: Path) -> list[Sent]:
    sent = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        sent.append(Sent(raw["message_id"], raw["user_id"], raw["attempts"]))
    return sent


async def logged(database: str) -> tuple[dict[str, set[str]], Counter[str], int]:
    """From the database: the message ids handled per user (dedupe keys, written in the turn's
    transaction), the user messages logged per user, and the outbox messages still pending."""
    connection = await asyncpg.connect(database, timeout=10)
    try:
        keys = await connection.fetch(
            "SELECT c.external_user_id AS user, d.message_id FROM dedupe_keys d "
            "JOIN conversations c ON c.id = d.conversation_id"
        )
        messages = await connection.fetch(
            "SELECT c.external_user_id AS user, count(*) AS n FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id WHERE m.direction = 'in' "
            "GROUP BY c.external_user_id"
        )
        pending = await connection.fetchval(
            "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL"
        )
    finally:
        await connection.close()
    handled: dict[str, set[str]] = {}
    for row in keys:
        handled.setdefault(row["user"], set()).add(row["message_id"])
    return handled, Counter({row["user"]: row["n"] for row in messages}), int(pending)


def count(fault: str, sent: list[Sent], database: str, notes: list[str]) -> Counts:
    """Every id sent against the log: each answered once (at once or on a retry), none lost,
    none doubled."""
    handled, inbound, pending = asyncio.run(logged(database))
    counts = Counts(fault, sent=len(sent), outbox_pending=pending, notes=notes)
    per_user: Counter[str] = Counter()
    for message in sent:
        counts.statuses.update(str(a.get("status") or a.get("error")) for a in message.attempts)
        in_log = message.message_id in handled.get(message.user, set())
        per_user[message.user] += in_log
        if not message.answered:
            counts.not_answered += 1
            counts.lost += not in_log  # given up on and never handled: lost to its sender
        elif not in_log:
            counts.lost += 1  # answered 200, yet the turn is not in the log
        elif message.retried:
            counts.answered_on_retry += 1
        else:
            counts.answered_once += 1
    # One message logged twice would show as more user messages than handled ids.
    counts.doubled = sum(max(0, inbound[user] - per_user[user]) for user in inbound)
    strays = sum(len(ids) for user, ids in handled.items() if user not in per_user)
    if strays:
        counts.notes.append(f"{strays} handled ids of users the generator never sent as")
    return counts


def run_fault(fault: str, args: argparse.Namespace, progress: Progress, folder: Path) -> Counts:
    key = secrets.token_urlsafe(24)
    notes: list[str] = []
    task = progress.add_task(f"{fault}: fresh database, migrating", total=args.seconds)
    with postgres_database() as database:
        env = {**server_env(database, key), "VETBOT_LOG_LEVEL": args.log_level}
        migrate(env)
        port = free_port()
        log_path = folder / f"server-{fault}.log"
        progress.update(task, description=f"{fault}: starting {WORKERS} workers")
        with log_path.open("wb") as log:
            server = start(serve_command(port, WORKERS), env, port, log)
            try:
                out = folder / f"sent-{fault}.jsonl"
                generator = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.fault_load",
                        "--url",
                        f"http://127.0.0.1:{port}",
                        "--key",
                        key,
                        "--out",
                        str(out),
                        "--run",
                        f"{fault[0]}{secrets.token_hex(2)}",
                        "--seconds",
                        str(args.seconds),
                        "--slots",
                        str(args.slots),
                    ],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                follow(generator, progress, task, fault)
                began = time.monotonic()
                time.sleep(args.seconds * FAULT_AT)
                progress.update(task, description=f"{fault}: fault now")
                if fault == "kill":
                    kill_worker(server, notes)
                else:
                    restart_postgres(args.cluster, notes)
                while generator.poll() is None:
                    progress.update(task, completed=min(args.seconds, time.monotonic() - began))
                    time.sleep(0.2)
                progress.update(task, completed=args.seconds, description=f"{fault}: counting")
                notes.append(f"workers at the end: {workers(server.pid)}")
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                notes.append(f"/healthz at the end: {health.status_code}")
                time.sleep(2)  # an outbox round (every second) after the last turn
            finally:
                stop(server)
        counts = count(fault, read_sent(out), database, notes)
    errors = [line for line in log_path.read_text(errors="replace").splitlines() if "ERROR" in line]
    if errors:
        counts.notes.append(
            f"{len(errors)} ERROR lines in {log_path}; the first: {errors[0][:300]}"
        )
    progress.update(task, description=f"{fault}: done")
    return counts


def follow(generator: subprocess.Popen[str], progress: Progress, task: Any, fault: str) -> None:
    """Show the generator's running counts in the progress line."""

    def read() -> None:
        assert generator.stdout is not None
        for line in generator.stdout:
            counts = json.loads(line)
            progress.update(
                task, description=f"{fault}: {counts['sent']} sent, {counts['retried']} retried"
            )

    threading.Thread(target=read, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fault",
        action="append",
        choices=("kill", "postgres"),
        help="kill: kill -9 a worker (the default); postgres: restart PostgreSQL. Repeatable.",
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of the load")
    parser.add_argument("--slots", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--cluster", default="15/main", help="PostgreSQL cluster to restart (pg_lsclusters)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the server logs and ids sent")
    parser.add_argument("--log-level", default="WARNING", help="the server's (default WARNING)")
    args = parser.parse_args()
    console = Console(stderr=True)
    folder = Path(tempfile.mkdtemp(prefix="vetbot-faults-"))
    results = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        for fault in args.fault or ["kill"]:
            results.append(run_fault(fault, args, progress, folder))
    for counts in results:
        table = Table(title=f"fault: {counts.fault} (vetbot serve --workers {WORKERS})")
        table.add_column("what")
        table.add_column("count", justify="right")
        for row in counts.rows():
            table.add_row(*row)
        out = Console()
        out.print(table)
        out.print(f"  every attempt: {counts.attempts()}")
        for note in counts.notes:
            out.print(f"  {note}")
    if args.keep:
        console.print(f"logs and the ids sent: {folder}")
    else:
        for each in folder.iterdir():
            each.unlink()
        folder.rmdir()
    bad = any(c.lost or c.doubled or c.not_answered or c.outbox_pending for c in results)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
