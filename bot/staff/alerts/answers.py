"""Staff answering from a station's Telegram staff chat, whatever the platform's shapes.

`/link CODE` links the sender's Telegram account to the staff member who got CODE in the
console. Then a reply to an alert answers the veteran (claiming the ticket, as replying in the
console does), and the alert's 认领 button claims it. Both run `bot.staff.tickets`, so the
console's rules hold here too: the member must see the ticket's station, and a ticket someone
else has taken is only taken over by a station head. Anyone not linked is refused politely.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.conversation.knowledge import KnowledgeStore
from bot.errors import ActionRefused, NotVisible
from bot.staff.alerts.codes import DIGITS, WRONG_PER_HOUR, code_hash
from bot.staff.alerts.compose import CLAIM, LANG
from bot.staff.alerts.targets import staff_chats
from bot.staff.desk import Desk, ticket_number
from bot.staff.tickets import TicketWork
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.alerts import AlertMarks, StaffTelegramLinks
from storage.repositories.audit import AuditLog
from storage.repositories.limits import RateCounts
from storage.repositories.staff import StaffAccount, StaffAccounts

_LINK = re.compile(r"^/link(?:@\w+)?\s+([0-9 ]+)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"\bT-(\d{6,})\b")
_CLAIM = re.compile(rf"^{re.escape(CLAIM)}(\d+)$")


@dataclass(frozen=True, slots=True)
class ChatWords:
    """One thing a member did in a staff chat: typed `text` (perhaps as a reply to the bot's
    message `replied_to`), or pressed a button with `pressed` data. `update_id` names it for
    the platform's redeliveries (the chat and message id, or the button press's id)."""

    chat_id: str
    telegram_user_id: str
    update_id: str
    text: str | None = None
    replied_to: str | None = None
    pressed: str | None = None


@dataclass(frozen=True, slots=True)
class Said:
    """What to answer in the chat; `done` when the ticket was claimed or answered (everyone in
    the chat should know), not when the member was refused (they alone need to)."""

    text: str
    done: bool = False


class StaffChat(Protocol):
    """The staff chats as a channel adapter sees them."""

    def serves(self, chat_id: str) -> bool: ...

    async def answer(self, words: ChatWords) -> Said | None: ...


class StaffChatHandle:
    """`StaffAnswers` for adapters built before the database is open (like `EngineHandle`):
    until the server binds it, no chat is a staff chat."""

    def __init__(self) -> None:
        self._answers: StaffChat | None = None

    def bind(self, answers: StaffChat) -> None:
        self._answers = answers

    def serves(self, chat_id: str) -> bool:
        return self._answers is not None and self._answers.serves(chat_id)

    async def answer(self, words: ChatWords) -> Said | None:
        if self._answers is None:
            raise RuntimeError("staff chats are not served yet (the server is still starting)")
        return await self._answers.answer(words)


class StaffAnswers:
    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeStore,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database, self.knowledge, self.settings, self.clock = (
            database,
            knowledge,
            settings,
            clock,
        )

    def serves(self, chat_id: str) -> bool:
        """Whether `chat_id` is a station's staff chat (any other group is not ours)."""
        return chat_id in staff_chats(self.knowledge.current.kb, self.settings)

    async def answer(self, words: ChatWords) -> Said | None:
        """What to say back in the chat, or None to stay quiet (staff talking among themselves,
        or an update answered before and given again)."""
        desk = Desk.of(self.knowledge.current.kb, self.settings)
        text = (words.text or "").strip()
        now = self.clock()
        if (link := _LINK.match(text)) is not None:
            return await self._link(desk, words, link[1].replace(" ", ""), now)
        ticket_id: int | None = None
        if words.pressed is not None and (claim := _CLAIM.match(words.pressed)) is not None:
            ticket_id = int(claim[1])
        elif words.replied_to is not None and text:
            number = _NUMBER.search(words.replied_to)
            if number is None:
                return Said(desk.text(LANG, "alerts.chat.no_number"))
            ticket_id = int(number[1])
        if ticket_id is None:
            return None
        async with self.database.transaction() as session:
            # Marked with what it does: a redelivered update must not answer the veteran twice.
            if not await AlertMarks(session).first(f"chat:{words.update_id}", now):
                return None
            staff = await self._linked(session, words.telegram_user_id)
            if staff is None:
                return Said(desk.text(LANG, "alerts.chat.not_linked"))
            return await self._act(session, desk, staff, ticket_id, words, text, now)

    async def _act(
        self,
        session: AsyncSession,
        desk: Desk,
        staff: StaffAccount,
        ticket_id: int,
        words: ChatWords,
        text: str,
        now: datetime,
    ) -> Said:
        number = ticket_number(ticket_id)
        try:
            act = TicketWork(session, desk, staff, now)
            if words.pressed is not None:
                await act.claim(ticket_id)
                claimed = desk.text(LANG, "alerts.chat.claimed", number=number, name=staff.shown)
                return Said(claimed, done=True)
            await act.reply(ticket_id, text)
        except NotVisible:
            return Said(desk.text(LANG, "alerts.chat.not_found", number=number))
        except ActionRefused as refused:
            why = desk.text(LANG, refused.key)
            return Said(desk.text(LANG, "alerts.chat.refused", number=number, why=why))
        return Said(desk.text(LANG, "alerts.chat.replied", number=number, name=staff.shown), True)

    async def _link(self, desk: Desk, words: ChatWords, code: str, now: datetime) -> Said | None:
        async with self.database.transaction() as session:
            if not await AlertMarks(session).first(f"chat:{words.update_id}", now):
                return None  # given again (or to a second poller): answered the first time
            tries = await RateCounts(session).count(
                "staff_link", words.telegram_user_id, timedelta(hours=1), now
            )
            if tries >= WRONG_PER_HOUR:
                return Said(desk.text(LANG, "alerts.chat.too_many"))
            staff_id = None
            if len(code) == DIGITS:
                staff_id = await StaffTelegramLinks(session).use(
                    code_hash(code, self.settings), words.telegram_user_id, now
                )
            staff = await StaffAccounts(session).get(staff_id) if staff_id is not None else None
            if staff is None:
                await RateCounts(session).hit(
                    "staff_link", words.telegram_user_id, timedelta(hours=1), now
                )
                return Said(desk.text(LANG, "alerts.chat.bad_code"))
            await AuditLog(session).add(
                "telegram_link",
                staff_id=staff.id,
                username=staff.username,
                station_id=staff.station_id,
                detail={"chat": words.chat_id},
                at=now,
            )
        station = desk.station_name(LANG, staff.station_id)
        return Said(desk.text(LANG, "alerts.chat.linked", name=staff.shown, station=station), True)

    async def _linked(self, session: AsyncSession, telegram_user_id: str) -> StaffAccount | None:
        staff_id = await StaffTelegramLinks(session).staff_of(telegram_user_id)
        staff = await StaffAccounts(session).get(staff_id) if staff_id is not None else None
        return staff if staff is not None and staff.active else None
