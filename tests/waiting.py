"""Waiting in a test for something another task does: a condition polled until it holds."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable

Condition = Callable[[], object]  # truthy when met; a coroutine is awaited first


async def until(condition: Condition, timeout: float = 10.0, *, every: float = 0.01) -> None:
    """Return once `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        met = condition()
        if inspect.isawaitable(met):
            met = await met
        if met:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s in vain for {condition}")
        await asyncio.sleep(every)
