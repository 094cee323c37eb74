"""The load generator of `benchmarks.faults`, in a process of its own: `slots` clients post
`/api/chat` as fast as they are answered until `--seconds` have passed, then finish what they
have in flight. Each slot owns its users (so one user's messages go one after another, as a
person's would), rotates over them, and sends four questions to one menu word.

Every message carries a message id used once in the run. A 503 (the server says: not handled,
send it again), a connection error or a timeout is retried with the same id and the same text,
with backoff, for up to `--give-up` seconds; any other status is final. Each message is written
to `--out` as one JSON line: its id, user, text, and every attempt (a status, or the error).

    python -m benchmarks.fault_load --url http://127.0.0.1:8000 --key KEY --out sent.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

TEXTS = ("优待证怎么办理", "抚恤金什么时候发", "义务兵家庭优待金", "服务站在哪里", "菜单")
RETRYABLE = frozenset({502, 503, 504})  # "not handled": a proxy or the server asks for a retry
FIRST_WAIT = 0.05  # seconds before the first retry; doubled each time up to MAX_WAIT
MAX_WAIT = 1.0


async def one(
    http: httpx.AsyncClient, body: dict[str, str], give_up: float
) -> list[dict[str, Any]]:
    """Send `body` until it is answered with a final status (or `give_up` seconds pass)."""
    attempts: list[dict[str, Any]] = []
    wait, deadline = FIRST_WAIT, time.monotonic() + give_up
    while True:
        try:
            response = await http.post("/api/chat", json=body)
        except httpx.HTTPError as exc:  # refused, reset by a dying worker, timed out
            attempts.append({"error": type(exc).__name__})
        else:
            attempts.append({"status": response.status_code})
            if response.status_code not in RETRYABLE:
                return attempts
        if time.monotonic() + wait > deadline:
            return attempts
        await asyncio.sleep(wait)
        wait = min(wait * 2, MAX_WAIT)


async def slot(
    http: httpx.AsyncClient,
    number: int,
    args: argparse.Namespace,
    end: float,
    out: Any,
    counts: dict[str, int],
) -> None:
    sent = 0
    while time.monotonic() < end:
        user = f"{args.run}-s{number}-u{sent % args.users_per_slot}"
        text = TEXTS[sent % len(TEXTS)]
        body = {"user_id": user, "message_id": f"{args.run}-{number}-{sent}", "text": text}
        attempts = await one(http, body, args.give_up)
        out.write(json.dumps({**body, "attempts": attempts}, ensure_ascii=False) + "\n")
        counts["sent"] += 1
        counts["retried"] += len(attempts) > 1
        sent += 1


async def generate(args: argparse.Namespace) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {args.key}"}
    limits = httpx.Limits(max_connections=args.slots, max_keepalive_connections=args.slots)
    counts = {"sent": 0, "retried": 0}
    end = time.monotonic() + args.seconds
    with Path(args.out).open("w", encoding="utf-8") as out:
        async with httpx.AsyncClient(
            base_url=args.url, headers=headers, timeout=args.timeout, limits=limits
        ) as http:
            ticker = asyncio.create_task(_tick(counts, args.progress))
            await asyncio.gather(
                *(slot(http, n, args, end, out, counts) for n in range(args.slots))
            )
            ticker.cancel()
    return counts


async def _tick(counts: dict[str, int], every: float) -> None:
    """A line on stdout now and then for the parent's progress display."""
    if every <= 0:
        return
    while True:
        await asyncio.sleep(every)
        print(json.dumps(counts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server's base URL")
    parser.add_argument("--key", default=os.environ.get("BENCH_API_KEY", ""), help="API key")
    parser.add_argument("--out", required=True, help="JSON lines, one per message sent")
    parser.add_argument("--run", default="f", help="prefix of user and message ids")
    parser.add_argument("--seconds", type=float, default=20, help="how long to keep sending")
    parser.add_argument("--slots", type=int, default=16, help="concurrent clients")
    parser.add_argument("--users-per-slot", type=int, default=8, help="users each client rotates")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per attempt")
    parser.add_argument("--give-up", type=float, default=60, help="seconds of retrying one id")
    parser.add_argument("--progress", type=float, default=0.5, help="seconds between counts")
    counts = asyncio.run(generate(parser.parse_args()))
    print(json.dumps({**counts, "done": True}), flush=True)


if __name__ == "__main__":
    main()
