"""Moving a request or a booking on, as staff do, and telling the user through the outbox.

The change and the message to the user are written in one transaction: either both happen
or neither. The message goes to the conversation the user filed or booked in.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bookings.words import visit_line
from bot.channels.base import Option, Outbound
from bot.engine import encode_replies
from bot.messages import Catalogue
from policies.loader import KnowledgeBase
from storage.repositories.bookings import Bookings, Visit
from storage.repositories.outbox import Outbox
from storage.repositories.requests import Filed, Requests


async def change_request_state(
    session: AsyncSession,
    kb: KnowledgeBase,
    messages: Catalogue,
    number: str,
    state: str,
    actor: str,
    note: str = "",
) -> Filed:
    """Move request `number` to `state` (see `TRANSITIONS`), record it, and tell the user.

    Raises `StateChangeRefused` when the request cannot move there from where it is.
    """
    filed = await Requests(session).change_state(number, state, actor, note)
    lang = filed.language
    request_type = kb.request_type(filed.type_id)
    title = filed.type_id
    if request_type is not None:
        title = request_type.title.en if lang == "en" else request_type.title.zh
    lines = [
        messages.text(
            lang,
            "progress.request",
            number=number,
            title=title,
            state=messages.text(lang, f"state.{state}"),
        )
    ]
    if note:
        lines.append(messages.text(lang, "progress.note", note=note))
    await _tell(
        session, filed.channel, filed.chat_id, filed.external_user_id, messages, lang, lines
    )
    return filed


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
    line = visit_line(messages, kb, lang, visit)
    lines = [messages.text(lang, f"progress.booking_{state}", number=number), line]
    await _tell(
        session, visit.channel, visit.chat_id, visit.external_user_id, messages, lang, lines
    )
    return visit


async def _tell(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    user_id: str,
    messages: Catalogue,
    lang: str,
    lines: list[str],
) -> None:
    reply = Outbound(
        "\n".join(lines),
        options=(
            Option(messages.text(lang, "menu.status"), "status"),
            Option(messages.text(lang, "menu.back"), "menu"),
        ),
    )
    await Outbox(session).add(channel, chat_id, user_id, encode_replies([reply]))
