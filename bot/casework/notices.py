"""The shape every casework notice shares: its lines, then "my requests" and "back to menu".

Notices go to whoever filed the request or booked the visit, where they did: for a filing made
on someone else's behalf that is the filer, and the notice names whom it is for ("（代 父亲
张三 办理）"). The veteran's own phone, given by the filer, is never a way out: only staff use
it, to phone them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.payloads import Menu, Status, option
from bot.conversation.types import ConversationKey, Outbound
from bot.flows.request.proxy import on_behalf
from bot.messages import Catalogue
from bot.outbox.notify import notify
from storage.repositories.filed_for import Veteran


def notice(messages: Catalogue, lang: str, lines: list[str]) -> Outbound:
    return Outbound(
        "\n".join(lines),
        options=(
            option(messages.text(lang, "menu.status"), Status()),
            option(messages.text(lang, "menu.back"), Menu()),
        ),
    )


def for_whom(messages: Catalogue, lang: str, veteran: Veteran | None) -> list[str]:
    """The line naming whom a filing is for, when the filer filed it for someone else."""
    if veteran is None:
        return []
    behalf = on_behalf(messages, lang, veteran.kin, veteran.name)
    return [messages.text(lang, "family.notice", on_behalf=behalf)]


async def tell(
    session: AsyncSession,
    to: ConversationKey,
    messages: Catalogue,
    lang: str,
    lines: list[str],
    filed_for: Veteran | None = None,
) -> None:
    """Notify the user of `to` (the filer) with a casework notice made of `lines`, its first
    line followed by whom it was filed for when that was someone else."""
    lines = [*lines[:1], *for_whom(messages, lang, filed_for), *lines[1:]]
    await notify(session, to, [notice(messages, lang, lines)])
