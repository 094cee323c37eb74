"""Messages to a user outside a turn (staff replies, notices): one way out, in the caller's
transaction. Each goes into the conversation's message log, which is what staff read and what
the web chat page polls, and into the outbox, from which the worker delivers it to Telegram or
WeChat with retries. A web chat has no platform to push to: its log is its mailbox.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Outbound
from bot.engine import encode_replies
from storage.models.base import utcnow
from storage.repositories.messages import Logged, MessageLog
from storage.repositories.outbox import Outbox
from storage.repositories.tickets import Recipient

WEB = "web"
STAFF = "staff"  # outcome of a staff member's words in the message log
NOTICE = "notice"  # outcome of a notice sent later (claimed, resolved, status changed…)
LATER = frozenset({STAFF, NOTICE})  # outcomes the web page fetches as they arrive


async def send_later(
    session: AsyncSession, to: Recipient, replies: list[Outbound], *, outcome: str = NOTICE
) -> None:
    now = utcnow()
    await MessageLog(session).add_all(
        to.conversation_id,
        [
            Logged(
                "out",
                r.text,
                now,
                options=[(o.label, o.payload) for o in r.options],
                outcome=outcome,
            )
            for r in replies
        ],
    )
    if to.channel != WEB:
        await Outbox(session).add(
            to.channel, to.chat_id, to.external_user_id, encode_replies(replies)
        )
