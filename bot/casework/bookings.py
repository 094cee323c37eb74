"""Staff ending a booking, and telling the user when their place was given up."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.notices import tell
from bot.conversation.types import ConversationKey
from bot.flows.booking.words import visit_line
from bot.messages import Catalogue
from policies.loader import KnowledgeBase
from storage.repositories.bookings import Bookings, Visit


async def end_booking(
    session: AsyncSession,
    kb: KnowledgeBase,
    messages: Catalogue,
    number: str,
    state: str,
) -> Visit | None:
    """Staff end a booking: `attended`, `no_show` or `cancelled` (the last two free the place).

    None when the booking holds no place (already ended). The user is told of a cancellation
    or a no-show; an attended visit needs no message.
    """
    visit = await Bookings(session).end(number, state)
    if visit is None or state == "attended":
        return visit
    lang = visit.language
    lines = [
        messages.text(lang, f"progress.booking_{state}", number=number),
        visit_line(messages, kb, lang, visit),
    ]
    to = ConversationKey(visit.channel, visit.chat_id, visit.external_user_id)
    await tell(session, to, messages, lang, lines, visit.filed_for)
    return visit
