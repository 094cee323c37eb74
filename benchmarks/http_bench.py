"""HTTP throughput measured from outside: `wrk` (its own process, C, two threads) drives
`POST /api/chat` on `vetbot serve` and, in the same run, a bare FastAPI endpoint of the same
shape (`benchmarks/echo_app.py`) on the same uvicorn; both figures and their ratio are printed.

Traffic: 500 rotating users, four questions to one menu word (`benchmarks/wrk/chat.lua`), 32
connections. The chat server runs on a fresh SQLite file with the real knowledge base; every
turn is as honest as in production (committed before the reply, deduped, logged).

    python -m benchmarks.http_bench [--quick] [--workers N] [--database URL]

`make bench` installs wrk (Debian package) when it is missing; without it this part says so
and is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

LUA = Path(__file__).with_name("wrk") / "chat.lua"
CONNECTIONS = 32
THREADS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server and wait until it answers /healthz."""
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode} while starting")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(f"{' '.join(command)} did not start within 90 s")


def wrk(url: str, seconds: int, env: dict[str, str]) -> dict[str, float]:
    """One wrk run: requests/s, p50/p99 latency and the error counts."""
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
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    raw = json.loads(line[4:])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": round(raw["requests"] / raw["seconds"], 1),
        "p50_ms": raw["p50_ms"],
        "p99_ms": raw["p99_ms"],
        "errors": errors,
        "non_2xx": raw["status"],
    }


def measure(url: str, seconds: int, run: str, key: str) -> dict[str, float]:
    """A short warm-up (caches, first connections), then the measured run."""
    env = {"BENCH_RUN": f"{run}w", "BENCH_API_KEY": key}
    wrk(url, 2, env)
    return wrk(url, seconds, {**env, "BENCH_RUN": run})


def bench(quick: bool = False, workers: int = 1, database: str | None = None) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make bench` installs it (apt-get install wrk); skipped")
        return {}
    seconds = 5 if quick else 15
    key = secrets.token_urlsafe(24)
    vetbot = str(Path(sys.executable).with_name("vetbot"))
    figures: dict[str, Any] = {"http_connections": CONNECTIONS, "http_workers": workers}
    with tempfile.TemporaryDirectory() as folder:
        chat_port, echo_port = free_port(), free_port()
        env = {
            "VETBOT_DATABASE_URL": database or f"sqlite:///{Path(folder) / 'http.db'}",
            "VETBOT_WATCH_POLICIES": "false",
            "VETBOT_LOG_LEVEL": "WARNING",
            "VETBOT_API_KEY": key,
            # 500 users at hundreds of messages a second each send far more than a person
            # could: the limiter still counts every message, it just never refuses one here.
            "VETBOT_LIMIT_CHAT": "1000000",
            "VETBOT_DATA_KEY": secrets.token_urlsafe(32),
        }
        serve = [vetbot, "serve", "--port", str(chat_port)]
        if workers > 1:
            serve += ["--workers", str(workers)]
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
        servers = [start(serve, env, chat_port), start(echo, {}, echo_port)]
        try:
            runs = {
                "http_echo": f"http://127.0.0.1:{echo_port}/api/chat",
                "http_chat": f"http://127.0.0.1:{chat_port}/api/chat",
            }
            for name, url in runs.items():
                for figure, value in measure(url, seconds, name, key).items():
                    figures[f"{name}_{figure}"] = value
        finally:
            for server in servers:
                server.terminate()
                server.wait(30)
    figures["http_chat_vs_echo"] = round(figures["http_chat_rps"] / figures["http_echo_rps"], 3)
    return figures


def run(quick: bool = False) -> dict[str, Any]:
    """The figures `vetbot bench` prints."""
    return bench(quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5-second runs instead of 15")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument("--database", help="VETBOT_DATABASE_URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    for name, value in bench(args.quick, args.workers, args.database).items():
        print(f"{name:32} {value}")


if __name__ == "__main__":
    main()
