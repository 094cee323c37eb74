"""The one way out: every message to a user outside the turn that caused it — staff replies,
status changes, reminders, link notices — goes through `notify`, in the caller's transaction.

`notify` writes each message into the conversation's message log, once (what staff read as the
transcript, and what the web chat page polls), and, for a platform that can be pushed to
(Telegram, WeChat), into the outbox, from which the worker delivers it with retries. A web chat
has nothing to push to: its log is its mailbox. Both writes commit with whatever caused the
message (a state change, a claim), so either both happen or neither.

A turn's own replies are logged by the turn itself; one that missed its platform's answer (a
late WeChat reply) is only `queue`d for delivery.
"""

from __future__ import annotations

import logging
from typing import Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.replies import encode_replies
from bot.conversation.types import ConversationKey, Outbound
from bot.privacy.pseudonyms import pseudonym
from storage.models.base import utcnow
from storage.repositories.conversations import Conversations
from storage.repositories.messages import Logged, MessageLog
from storage.repositories.outbox import Outbox
from storage.repositories.tickets import Recipient

log = logging.getLogger(__name__)

WEB: Final = "web"  # the one channel without a platform to push to

# How a message sent later is marked in the log: a staff member's own words, or a notice
# (claimed, resolved, status changed, reminder, link done).
Later = Literal["staff", "notice"]
STAFF: Final[Later] = "staff"
NOTICE: Final[Later] = "notice"
LATER: Final = frozenset({STAFF, NOTICE})  # outcomes the web page fetches as they arrive


async def notify(
    session: AsyncSession, to: ConversationKey, replies: list[Outbound], *, outcome: Later = NOTICE
) -> None:
    """Tell the user of conversation `to`: log `replies` for the transcript and queue them."""
    conversation = await Conversations(session).find(to.channel, to.chat_id, to.user_id)
    if conversation is None:  # the user was never seen there: nothing to log against
        log.warning("notice for a conversation with no record", extra={"key": pseudonym(to)})
    else:
        now = utcnow()
        logged = [
            Logged(
                "out",
                r.text,
                now,
                options=[(o.label, o.payload) for o in r.options],
                outcome=outcome,
            )
            for r in replies
        ]
        await MessageLog(session).add_all(conversation, logged)
    await queue(session, to, replies)


async def queue(session: AsyncSession, to: ConversationKey, replies: list[Outbound]) -> None:
    """Queue `replies` for delivery to `to`'s platform, without logging them again."""
    if to.channel != WEB and replies:
        await Outbox(session).add(to.channel, to.chat_id, to.user_id, encode_replies(replies))


def reach(recipient: Recipient) -> ConversationKey:
    """The conversation key of a ticket's `recipient`, to `notify` it."""
    return ConversationKey(recipient.channel, recipient.chat_id, recipient.external_user_id)
