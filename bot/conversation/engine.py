"""The engine: one inbound message in, the replies out, with the turn committed in between.

    lock the conversation (in this process) → open a transaction → lock the conversation across
    processes and read its state → a duplicate returns the stored replies → understanding →
    the route decides → message log, state and dedupe key are written → commit → replies.

Turns of one conversation are handled one after another in the order their messages arrived:
each takes the conversation's locks as it arrives, and is understood inside them. In one
process the lock is an asyncio lock (its waiters queue in order); across processes on
PostgreSQL, the turn's transaction first takes an advisory lock on the conversation, whose
waiters PostgreSQL queues in order too (`storage/repositories/turns.py`). On SQLite, which one
process serves, the database's single writer is taken after understanding instead, so a long
letter read in a thread never holds every other conversation's turn.

If the database is unavailable nothing is written and `TryAgainLater` carries a polite reply;
the caller answers its platform with a status that makes it redeliver. An identity or address
over its message rate (`limits.py`) gets a polite "slow down" and nothing else happens; words of
distress are answered whatever the rate.

Logs name conversations by `pseudonym` only: a web user's id is their credential.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.calendar.workdays import today_in_county
from bot.config import Settings
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.limits import within
from bot.conversation.locks import KeyedLocks
from bot.conversation.replies import decode_replies, encode_replies
from bot.conversation.route import may_need_understanding, respond
from bot.conversation.turn import Outcome, Turn
from bot.conversation.types import Inbound, Outbound
from bot.errors import TryAgainLater
from bot.messages import Catalogue, catalogue
from bot.observe.metrics import Metrics
from bot.privacy.masking import mask, mask_id_numbers
from bot.privacy.pseudonyms import pseudonym
from intents.decision import Decision, Intent
from storage.database import Database
from storage.errors import StorageUnavailable
from storage.models.base import utcnow
from storage.repositories.conversations import ConversationState
from storage.repositories.dedupe import DedupeKeys
from storage.repositories.messages import Logged
from storage.repositories.turns import Turns

MAX_TEXT = 2000  # characters; longer messages get a polite "please shorten it"
MAX_ID = 128  # message ids and payloads longer than this are not from a real platform
READ_AT_ONCE = 120  # characters: shorter questions are understood on the loop, longer in a thread

log = logging.getLogger(__name__)

# What came of a message: a turn's outcome, or one the engine decides before any turn
# ("delivered": a duplicate whose replies already reached the platform).
Handled = Outcome | Literal["duplicate", "delivered", "invalid"]


@dataclass(frozen=True, slots=True)
class Answered:
    """The replies to one message, and what came of it (the JSON API answers "limited" with
    HTTP 429)."""

    replies: list[Outbound]
    outcome: Handled


class Engine:
    """Channel-neutral conversation engine; every channel adapter calls `handle`."""

    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeStore,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
        messages: Catalogue | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.messages = messages or catalogue()
        self.locks = KeyedLocks()
        # The county's date; tests of dated things (bookings, holidays) pass a fixed one.
        self.today = today or today_in_county

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        return (await self.answer(inbound)).replies

    async def answer(self, inbound: Inbound) -> Answered:
        """`handle`, saying what came of the message as well."""
        if not inbound.message_id or len(inbound.message_id) > MAX_ID:
            raise ValueError(
                f"message_id must be 1-{MAX_ID} characters, got {inbound.message_id!r}"
            )
        started = time.perf_counter()
        self.metrics.messages.labels(inbound.channel).inc()
        knowledge = self.knowledge.current  # one knowledge base for the whole turn
        try:
            async with self.locks.hold(inbound.key):
                replies, outcome = await self._turn(inbound, knowledge)
        except StorageUnavailable as exc:
            self.metrics.outcomes.labels("unavailable").inc()
            log.warning("turn not handled, platform should retry: %s", exc, extra=_ids(inbound))
            raise TryAgainLater(str(exc), [self._unavailable()]) from exc
        finally:
            self.metrics.latency.observe(time.perf_counter() - started)
        self.metrics.outcomes.labels(outcome).inc()
        if log.isEnabledFor(logging.INFO):  # the pseudonym is a keyed hash: not for nothing
            log.info("turn handled", extra={**_ids(inbound), "outcome": outcome})
        return Answered(replies, outcome)

    async def to_send(self, inbound: Inbound) -> list[Outbound]:
        """For channels that send replies themselves: the replies to send, none for a message
        redelivered after its replies were delivered (`sent`)."""
        answered = await self.answer(inbound)
        return [] if answered.outcome == "delivered" else answered.replies

    async def sent(self, inbound: Inbound) -> None:
        """Record that the replies to `inbound` reached its platform."""
        key = inbound.key
        try:
            async with self.database.transaction() as session:
                await DedupeKeys(session).delivered(
                    key.channel, key.chat_id, key.user_id, inbound.message_id
                )
        except StorageUnavailable as exc:  # the replies are out; only a redelivery repeats them
            log.warning("delivery not recorded: %s", exc, extra=_ids(inbound))

    async def _turn(self, inbound: Inbound, knowledge: Knowledge) -> tuple[list[Outbound], Handled]:
        key = inbound.key
        problem = inbound_problem(inbound)
        # SQLite: one process, whose turns the lock in `answer` already orders; its one writer
        # is not held while a message is read. Elsewhere the turn lock comes first.
        early = self.database.sqlite
        decision = await self._understand(inbound, knowledge) if early and not problem else None
        async with self.database.transaction() as session:
            turns = Turns(session)
            state, stored = await turns.begin(
                key.channel, key.chat_id, key.user_id, inbound.message_id
            )
            if stored is not None:
                replies = decode_replies(stored.replies)
                return replies, "delivered" if stored.delivered else "duplicate"
            if problem is not None:  # nothing to remember: the same message gets the same reply
                text = self.messages.text(state.language, problem, limit=MAX_TEXT)
                return [Outbound(text)], "invalid"
            if not early:
                decision = await self._understand(inbound, knowledge)
            shown = _shown(inbound, state)
            turn = Turn(
                inbound=inbound,
                state=state,
                knowledge=knowledge,
                session=session,
                settings=self.settings,
                messages=self.messages,
                today=self.today(),
                decision=decision,
            )
            if not _distress(decision) and not await within(turn, "chat"):
                return [Outbound(self.messages.bilingual("limit.chat"))], "limited"
            replies = await respond(turn)
            # Digits pick from the last reply that offered options (adapters number each
            # reply's options from 1, so only one reply per turn should carry them).
            offered = next((r.options for r in reversed(replies) if r.options), ())
            state.options = [(option.label, option.payload) for option in offered]
            now = utcnow()
            if turn.logged_as is not None:
                shown = turn.logged_as
            # The question's own row says what came of it, for the reports (bot/reports).
            asked = Logged("in", turn.for_log(shown), now, payload=inbound.payload)
            logged = [replace(asked, outcome=turn.outcome, entry_id=turn.entry_id)]
            logged += [
                Logged(
                    "out",
                    turn.for_log(r.text),
                    now,
                    options=[(o.label, o.payload) for o in r.options],
                    outcome=turn.outcome,
                )
                for r in replies
            ]
            await turns.end(state, inbound.message_id, logged, encode_replies(replies))
        return replies, turn.outcome

    async def _understand(self, inbound: Inbound, knowledge: Knowledge) -> Decision | None:
        """What understanding makes of the text, when the route might ask (menu words and
        digits it never does)."""
        text = inbound.text
        if text is None or not may_need_understanding(text, self.messages):
            return None
        if len(text) <= READ_AT_ONCE:  # about a millisecond: a thread costs more
            return knowledge.understanding.decide(text)
        # A long letter takes a while to read, and the loop serves others meanwhile.
        return await asyncio.to_thread(knowledge.understanding.decide, text)

    def _unavailable(self) -> Outbound:
        # The state (and so the language) could not be read: say it in both languages.
        return Outbound(self.messages.bilingual("unavailable"))


def inbound_problem(inbound: Inbound) -> str | None:
    """The catalogue key of a polite refusal, or None when the message can be handled."""
    if inbound.payload is not None:
        payload = inbound.payload
        readable = 0 < len(payload) <= MAX_ID and not any(_control(ch) for ch in payload)
        return None if readable else "input.unreadable"
    text = inbound.text
    if text is None:
        if inbound.contact is not None:
            return None  # a shared phone number: a form asking for one takes it
        return "input.unreadable"  # a photo, sticker, location…: we read text only
    if any(_control(ch) for ch in text):
        return "input.unreadable"
    if not text.strip():
        return "input.empty"
    if len(text) > MAX_TEXT:
        return "input.too_long"
    return None


def _control(ch: str) -> bool:
    """Binary rubbish: control characters other than line breaks and tabs, or undecodable."""
    return ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r")


def _shown(inbound: Inbound, state: ConversationState) -> str:
    """What the user's message looks like in the log: a picked button shows as its label.

    ID numbers are masked: they are encrypted at rest, and the log is at rest too. A shared
    contact is masked whole: it is nothing but a phone number.
    """
    if inbound.payload is None:
        if inbound.text is None and inbound.contact is not None:
            return f"📱 {mask(inbound.contact.phone)}"
        return mask_id_numbers(inbound.text or "")
    labels = {payload: label for label, payload in state.options}
    return labels.get(inbound.payload, inbound.payload)


def _distress(decision: Decision | None) -> bool:
    """Words a person must get an answer to at any rate: distress, self-harm, threats."""
    return isinstance(decision, Intent) and decision.urgent


def _ids(inbound: Inbound) -> dict[str, str]:
    return {"key": pseudonym(inbound.key), "message_id": inbound.message_id}
