"""HTTP throughput measured from outside: `wrk` (its own process, C, two threads) drives
`POST /api/chat` on `vetbot serve` and, in the same run, a bare FastAPI endpoint of the same
shape (`benchmarks/echo_app.py`) on the same uvicorn; both figures and their ratio are printed.

Traffic: 500 rotating users, four questions to one menu word (`benchmarks/wrk/chat.lua`), 32
connections. The chat server runs on a fresh SQLite file with the real knowledge base; every
turn is as honest as in production (committed before the reply, deduped, logged). Each run
also says the server's CPU per request: the user and system time of its processes (the
uvicorn supervisor and its workers, from /proc) over the run, divided by the requests, which
holds up on a machine that other work is loading too.

`--compare-workers N` serves `/api/chat` with one worker and then with N on PostgreSQL (a
fresh database each, migrated first, as a deployment would be) and prints both and the ratio.

    python -m benchmarks.http_bench [--quick] [--workers N] [--database URL]
    python -m benchmarks.http_bench --compare-workers 2 [--quick]

`make bench` installs wrk (Debian package) when it is missing; without it this part says so
and is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx

from benchmarks.engine_bench import POSTGRES
from benchmarks.postgres_cpu import ServerCpu, ticks

VETBOT = str(Path(sys.executable).with_name("vetbot"))
LUA = Path(__file__).with_name("wrk") / "chat.lua"
CONNECTIONS = 32
THREADS = 2
START_WITHIN = 180  # seconds; each worker loads the knowledge base, slowly on a busy machine
COMPARED_REQUESTS = 1000  # per server, in `--compare-workers` runs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    command: list[str], env: dict[str, str], port: int, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server (its output to `log`, or nowhere) and wait until it answers /healthz."""
    output: IO[bytes] | int = subprocess.DEVNULL if log is None else log
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode} while starting")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(f"{' '.join(command)} did not start within {START_WITHIN} s")


def server_env(database: str, key: str) -> dict[str, str]:
    """The settings of a benchmarked `vetbot serve`: `database`, the API key `key`, quiet logs."""
    return {
        "VETBOT_DATABASE_URL": database,
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_LOG_LEVEL": "WARNING",
        "VETBOT_API_KEY": key,
        # 500 users at hundreds of messages a second each send far more than a person
        # could: the limiter still counts every message, it just never refuses one here.
        "VETBOT_LIMIT_CHAT": "1000000",
        "VETBOT_DATA_KEY": secrets.token_urlsafe(32),
    }


def serve_command(port: int, workers: int) -> list[str]:
    command = [VETBOT, "serve", "--port", str(port)]
    return command + (["--workers", str(workers)] if workers > 1 else [])


def migrate(env: dict[str, str]) -> None:
    """`vetbot db upgrade` on the database of `env`, as a deployment does before serving."""
    subprocess.run(
        [VETBOT, "db", "upgrade"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


@contextmanager
def postgres_database(admin: str = POSTGRES) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the server of `admin`, dropped after."""
    name = f"vetbot_bench_{secrets.token_hex(4)}"

    async def execute(sql: str) -> None:
        connection = await asyncpg.connect(admin, timeout=10)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def processes(pid: int) -> list[int]:
    """`pid` and every process under it (a uvicorn supervisor's workers), as now."""
    found, i = [pid], 0
    while i < len(found):
        for task in Path(f"/proc/{found[i]}/task").glob("*/children"):
            try:
                found += [int(child) for child in task.read_text().split()]
            except OSError:  # gone meanwhile
                continue
        i += 1
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of `pid` and the processes under it, now."""
    return sum(ticks(each) for each in processes(pid)) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, env: dict[str, str], requests: int = 0) -> dict[str, float]:
    """One wrk run: requests/s, p50/p99 latency and the error counts. With `requests`, the run
    ends when each thread has had that many answers (or after `seconds`, whichever is first)."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    env = {**os.environ, **env, "BENCH_REQUESTS": str(requests)}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as running:
        assert running.stdout is not None
        lines, finished = [], 0
        for line in running.stdout:
            lines.append(line)
            finished += line.startswith("WRK-THREAD-DONE")
            if requests and finished == THREADS:
                running.send_signal(signal.SIGINT)  # wrk stops and reports, as on Ctrl-C
                finished = 0
    if running.returncode:
        raise subprocess.CalledProcessError(running.returncode, command)
    line = next(x for x in lines if x.startswith("WRK "))
    raw = json.loads(line[4:])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / raw["seconds"], 1),
        "p50_ms": raw["p50_ms"],
        "p99_ms": raw["p99_ms"],
        "errors": errors,
        "non_2xx": raw["status"],
    }


def measure(
    url: str,
    seconds: int,
    run: str,
    key: str,
    server: subprocess.Popen[bytes],
    requests: int = 0,
    database: str | None = None,
) -> dict[str, float]:
    """A short warm-up (caches, first connections), then the measured run (`seconds` long, or
    `requests` answers per wrk thread), with the CPU per request in it of the `server`'s
    processes, of wrk, and, when the server uses the PostgreSQL `database` on this machine, of
    PostgreSQL (`benchmarks/postgres_cpu.py`)."""
    env = {"BENCH_RUN": f"{run}w", "BENCH_API_KEY": key}
    wrk(url, 2, env)
    postgres = None if database is None else ServerCpu(database)
    if postgres is not None and postgres.local:
        postgres.start()
    before, wrk_before = cpu_seconds(server.pid), _reaped_cpu_seconds()
    figures = wrk(url, seconds, {**env, "BENCH_RUN": run}, requests)
    spent, wrk_spent = cpu_seconds(server.pid) - before, _reaped_cpu_seconds() - wrk_before
    answered = max(1, figures["requests"])
    figures["cpu_ms_per_request"] = round(1000 * spent / answered, 2)
    figures["wrk_cpu_ms_per_request"] = round(1000 * wrk_spent / answered, 2)
    if postgres is not None and postgres.local:
        used = postgres.stop()
        figures["pg_cpu_ms_per_request"] = round(1000 * used["pg_cpu_s"] / answered, 2)
        backends = 1000 * used["pg_backends_cpu_s"] / answered
        figures["pg_backends_cpu_ms_per_request"] = round(backends, 2)
        figures["pg_sessions"] = used["pg_sessions"]
    return figures


def _reaped_cpu_seconds() -> float:
    """User plus system CPU time of this process's children that have ended (wrk's, once a run
    of it is over)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(30)


def bench(quick: bool = False, workers: int = 1, database: str | None = None) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make bench` installs it (apt-get install wrk); skipped")
        return {}
    seconds = 5 if quick else 15
    key = secrets.token_urlsafe(24)
    figures: dict[str, Any] = {"http_connections": CONNECTIONS, "http_workers": workers}
    with tempfile.TemporaryDirectory() as folder:
        chat_port, echo_port = free_port(), free_port()
        env = server_env(database or f"sqlite:///{Path(folder) / 'http.db'}", key)
        echo = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "benchmarks.echo_app:app",
            "--port",
            str(echo_port),
            "--log-level",
            "warning",
        ]
        if workers > 1:
            echo += ["--workers", str(workers)]
        servers = {
            "http_echo": (start(echo, {}, echo_port), echo_port),
            "http_chat": (start(serve_command(chat_port, workers), env, chat_port), chat_port),
        }
        try:
            for name, (server, port) in servers.items():
                url = f"http://127.0.0.1:{port}/api/chat"
                on = database if name == "http_chat" and _is_postgres(database) else None
                for figure, value in measure(url, seconds, name, key, server, 0, on).items():
                    figures[f"{name}_{figure}"] = value
        finally:
            for server, _ in servers.values():
                stop(server)
    figures["http_chat_vs_echo"] = round(figures["http_chat_rps"] / figures["http_echo_rps"], 3)
    return figures


def bench_workers(quick: bool = False, workers: int = 2) -> dict[str, Any]:
    """`/api/chat` served by one process and by `workers`, each on a fresh PostgreSQL
    database, one after the other in the same run; both figures and the ratio. Each run is the
    same traffic: a fixed number of requests (the first contacts of new users cost more than
    the rest, so runs of equal length but unequal speed would not compare)."""
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make bench` installs it (apt-get install wrk); skipped")
        return {}
    seconds, requests = 600, (100 if quick else COMPARED_REQUESTS) // THREADS
    key = secrets.token_urlsafe(24)
    figures: dict[str, Any] = {"http_connections": CONNECTIONS}
    for count in (1, workers):
        with postgres_database() as database:
            env = server_env(database, key)
            migrate(env)
            port = free_port()
            server = start(serve_command(port, count), env, port)
            try:
                name = f"http_pg_{count}w"
                url = f"http://127.0.0.1:{port}/api/chat"
                measured = measure(url, seconds, name, key, server, requests, database)
                for figure, value in measured.items():
                    figures[f"{name}_{figure}"] = value
            finally:
                stop(server)
    figures[f"http_pg_{workers}w_vs_1w"] = round(
        figures[f"http_pg_{workers}w_rps"] / figures["http_pg_1w_rps"], 2
    )
    return figures


def _is_postgres(database: str | None) -> bool:
    return database is not None and database.startswith("postgresql")


def run(quick: bool = False) -> dict[str, Any]:
    """The figures `vetbot bench` prints."""
    return bench(quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5-second runs instead of 15")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument("--database", help="VETBOT_DATABASE_URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--compare-workers",
        type=int,
        metavar="N",
        help="instead: /api/chat with 1 worker, then N, on fresh PostgreSQL databases",
    )
    args = parser.parse_args()
    if args.compare_workers:
        figures = bench_workers(args.quick, args.compare_workers)
    else:
        figures = bench(args.quick, args.workers, args.database)
    for name, value in figures.items():
        print(f"{name:32} {value}")


if __name__ == "__main__":
    main()
