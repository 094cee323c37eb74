"""`vetbot serve --workers N`: a worker that dies while uvicorn's supervisor waits for its
answer to a health ping is noticed at once, and a slow one is still waited for."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from bot.cli.server_cmd import WatchedWorker

CONTEXT = multiprocessing.get_context("fork")


def _answers_after(pipe: Connection, seconds: float) -> None:
    pipe.recv()
    time.sleep(seconds)
    pipe.send(True)


def _never_answers(pipe: Connection) -> None:
    pipe.recv()
    time.sleep(60)


def _worker(target: Callable[..., None], *args: object) -> WatchedWorker:
    """A `WatchedWorker` around a plain child process running `target` on its end of the pipe
    (uvicorn's own worker would load the app; the health ping is all that is tested here)."""
    worker = WatchedWorker.__new__(WatchedWorker)
    worker.parent_conn, worker.child_conn = multiprocessing.Pipe()
    process: Any = CONTEXT.Process(target=target, args=(worker.child_conn, *args), daemon=True)
    worker.process = process
    worker.process.start()
    return worker


def test_a_worker_killed_during_a_ping_is_given_up_at_once() -> None:
    worker = _worker(_never_answers)
    pid = worker.process.pid
    assert pid is not None
    threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()
    started = time.monotonic()
    assert worker._healthcheck(60) is None  # uvicorn's own would wait the whole 60 s
    assert time.monotonic() - started < 5


def test_a_busy_worker_that_answers_late_is_still_alive() -> None:
    worker = _worker(_answers_after, 1.5)
    try:
        assert worker._healthcheck(10) is True
    finally:
        worker.process.kill()
        worker.process.join()


def test_a_worker_that_never_answers_is_hung_after_the_timeout() -> None:
    worker = _worker(_never_answers)
    try:
        started = time.monotonic()
        assert worker._healthcheck(1) is None
        assert 0.9 < time.monotonic() - started < 3
    finally:
        worker.process.kill()
        worker.process.join()
