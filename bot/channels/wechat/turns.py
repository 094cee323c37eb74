"""WeChat turns in flight: a retry of a message still being answered waits for that answer.

WeChat waits 5 seconds for a passive reply, then retries the same message (up to 3 times),
sometimes while the first request is still running. Each request waits for the turn up to a
deadline just under those 5 seconds; whichever request sees the turn finish replies passively
with its replies. When no request is left waiting, the replies are handed to `later` (the
outbox) instead, and retries of that message get an empty "success" once they are queued;
a retry that comes while they cannot be queued yet takes them back (see `handover.py`).

The turn runs in the process that first received the message; its flight (`Flights`: who
waits, and the replies) is where every process sees it when the server shares Redis
(`bot.coordination`). A retry landing on another process joins the flight and polls it: it
answers with the replies when the turn finishes while it waits, "success" when they went to
the outbox, and 500 (WeChat retries) when the turn failed. Only the process that runs the
turn can take its replies back from a failing outbox write (`handover.py`); a retry elsewhere
answers "success" and leaves them to that process's attempts. A turn running longer than
`KEEP_RUNNING` frees its flight, and a retry after that runs the message again (the engine's
dedupe then hands back the stored replies). Without Redis the flight is this process's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.channels.wechat.handover import WAITS, Handover
from bot.conversation.replies import decode_replies, encode_replies
from bot.conversation.types import ConversationKey, Inbound, Outbound, PushHandler
from bot.coordination.local import LocalFlights
from bot.coordination.types import Flights, Phase, Sight
from bot.errors import TryAgainLater
from bot.outbox.worker import Enqueue
from bot.privacy.pseudonyms import pseudonym

log = logging.getLogger(__name__)

REPLY_DEADLINE = 4.5  # seconds a request waits for its turn before answering "success"
KEEP_FINISHED = 60.0  # seconds a finished turn is remembered for retries (WeChat's come within ~15)
# Seconds a turn's flight is claimed while it runs: past WeChat's retries; a process that
# died mid-turn frees it then.
KEEP_RUNNING = 30.0
POLL = 0.05  # seconds between looks at a flight run by another process


class FirstTurnFailed(Exception):
    """The process running this message's turn failed it: WeChat's next retry starts afresh."""


@dataclass(eq=False)
class _Turn:
    key: ConversationKey
    task: asyncio.Task[list[Outbound]]
    waiting: int = 0  # requests of this process now waiting for the task
    answer: Phase = "pending"
    finished_at: float | None = None
    replies: list[Outbound] = field(default_factory=list)
    handover: Handover | None = None  # the replies handed to `later`, when answer is "later"

    def in_hand(self) -> bool:
        """Whether a retry may still need this turn: running, or its replies not yet queued."""
        return self.finished_at is None or (
            self.handover is not None and self.handover.fate == "writing"
        )


class Turns:
    def __init__(
        self,
        handler: PushHandler,
        later: Enqueue,
        *,
        flights: Flights | None = None,
        deadline: float = REPLY_DEADLINE,
        keep: float = KEEP_FINISHED,
        clock: Callable[[], float] = time.monotonic,
        waits: tuple[float, ...] = WAITS,
    ) -> None:
        """`flights` are the deployment's (`bot.coordination`), else this process's."""
        self._handler = handler
        self._later = later
        self._flights = flights or LocalFlights()
        self._deadline = deadline
        self._keep = keep
        self._clock = clock
        self._waits = waits
        self._turns: dict[str, _Turn] = {}  # the turns this process runs, until forgotten
        self._deliveries: set[asyncio.Task[None]] = set()

    async def answer(self, inbound: Inbound) -> list[Outbound] | None:
        """The replies to give passively, or None to answer "success" (the replies, if any,
        go out later). Raises what the handler raised, so that WeChat retries."""
        self._forget_old()
        turn = self._turns.get(inbound.message_id)
        if turn is None:
            if not await self._flights.board(inbound.message_id, KEEP_RUNNING):
                return await self._elsewhere(inbound)
            turn = self._start(inbound)
        elif turn.answer == "later":
            return await self._take_back(inbound, turn)
        elif turn.answer == "passive":
            return turn.replies  # our first answer did not reach WeChat: give it again
        turn.waiting += 1
        await self._flights.join(inbound.message_id)
        try:
            await asyncio.wait({turn.task}, timeout=self._deadline)
        finally:
            turn.waiting -= 1
            sight = await self._flights.leave(inbound.message_id)
        if turn.task.done():
            turn.task.result()  # raises what the handler raised
        # Passive when the turn landed while this request waited, whichever process waited.
        return turn.replies if sight.phase == "passive" else None

    async def _elsewhere(self, inbound: Inbound) -> list[Outbound] | None:
        """A retry of a message whose turn another process runs (or ran): wait for its flight
        to land, as a request of that process would."""
        name = inbound.message_id
        loop = asyncio.get_running_loop()
        end = loop.time() + self._deadline
        sight = await self._flights.join(name)
        try:
            while sight.phase == "pending" and loop.time() < end:
                await asyncio.sleep(POLL)
                sight = await self._flights.look(name)
        finally:
            sight = _latest(sight, await self._flights.leave(name))
        log.info(
            "WeChat message %s of %s runs in another process: %s",
            name,
            pseudonym(inbound.key),
            sight.phase,
        )
        if sight.phase == "gone":
            raise FirstTurnFailed(f"the first turn of message {name} failed or was lost")
        if sight.phase == "passive":
            return decode_replies(json.loads(sight.replies))
        return None  # still running ("success": the outbox delivers), or already queued

    async def _take_back(self, inbound: Inbound, turn: _Turn) -> list[Outbound] | None:
        """A retry of a message whose replies went to `later`: "success" once they are queued,
        the replies themselves while they cannot be."""
        if turn.handover is None:
            return None
        replies = await turn.handover.take_back(self._deadline)
        if replies is not None:
            log.info("WeChat replies to %s answered passively: not queued yet", pseudonym(turn.key))
            turn.answer, turn.replies = "passive", replies
            await self._flights.settle(inbound.message_id, _encoded(replies), self._keep)
        return replies

    def _start(self, inbound: Inbound) -> _Turn:
        # A retry of a message whose replies another process, or this one before a restart,
        # already queued gets none: they are on their way through the outbox.
        task = asyncio.create_task(self._run(inbound), name=f"wechat-turn-{inbound.message_id}")
        turn = _Turn(key=inbound.key, task=task)
        self._turns[inbound.message_id] = turn
        task.add_done_callback(lambda _: self._finished(inbound, turn))
        return turn

    async def _run(self, inbound: Inbound) -> list[Outbound]:
        """The turn, then its landing: passive if a request (of any process) waits for it,
        else its replies go to `later`."""
        name = inbound.message_id
        try:
            replies = await self._handler.to_send(inbound)
        except BaseException:
            await asyncio.shield(self._flights.drop(name))  # a retry starts afresh
            raise
        turn = self._turns[name]
        turn.replies = replies
        turn.answer = await self._flights.land(name, _encoded(replies), self._keep)
        if turn.answer == "later":
            turn.handover = self._answer_later(inbound, replies)
        return replies

    def _finished(self, inbound: Inbound, turn: _Turn) -> None:
        # Runs before any waiting request resumes, so `waiting` says whether one will report
        # a failure.
        turn.finished_at = self._clock()
        if turn.task.cancelled():
            self._turns.pop(inbound.message_id, None)
            return
        error = turn.task.exception()
        if error is None:
            return
        self._turns.pop(inbound.message_id, None)  # a retry starts afresh
        if turn.waiting == 0:  # nobody here to report it to: "success" was answered
            log.error(
                "WeChat turn %s of %s failed",
                inbound.message_id,
                pseudonym(turn.key),
                exc_info=error,
            )
            if isinstance(error, TryAgainLater):
                self.deliver_later(turn.key, error.replies)  # ask the user to send it again

    def deliver_later(self, key: ConversationKey, replies: list[Outbound]) -> Handover | None:
        """Hand replies to `later` in the background; what becomes of them (None: no replies)."""
        if not replies:
            return None
        handover = Handover(key, replies)
        self._background(handover.write(self._later, self._waits))
        return handover

    def _answer_later(self, inbound: Inbound, replies: list[Outbound]) -> Handover | None:
        """`deliver_later` for the replies to `inbound`, recorded as delivered once queued: a
        retry of the message reaching another process, or this one after a restart, is then
        not answered with them a second time."""
        if not replies:
            return None
        handover = Handover(inbound.key, replies)

        async def write() -> None:
            await handover.write(self._later, self._waits)
            if handover.fate == "written":
                await self._handler.sent(inbound)

        self._background(write())
        return handover

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def drain(self, timeout: float) -> None:
        """Wait (up to `timeout`) for running turns and deliveries, at shutdown; replies still
        not queued then are given up, with an error in the log."""
        pending = {t.task for t in self._turns.values() if not t.task.done()} | self._deliveries
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        if self._deliveries:  # turns that just finished handed their replies over
            await asyncio.wait(set(self._deliveries), timeout=timeout)
        unwritten = set(self._deliveries)
        for task in unwritten:
            task.cancel()
        if unwritten:
            await asyncio.wait(unwritten)

    def _forget_old(self) -> None:
        horizon = self._clock() - self._keep
        old = [
            message_id
            for message_id, turn in self._turns.items()
            if not turn.in_hand() and turn.finished_at is not None and turn.finished_at < horizon
        ]
        for message_id in old:
            del self._turns[message_id]


def _encoded(replies: list[Outbound]) -> str:
    return json.dumps(encode_replies(replies), ensure_ascii=False)


def _latest(before: Sight, after: Sight) -> Sight:
    """What a request that stops waiting answers with: the flight as it left it, unless it
    was gone (expired) then but had landed meanwhile."""
    return before if after.phase == "gone" and before.phase != "pending" else after
