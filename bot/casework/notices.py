"""The shape every casework notice shares: its lines, then "my requests" and "back to menu"."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.payloads import Menu, Status, option
from bot.conversation.types import ConversationKey, Outbound
from bot.messages import Catalogue
from bot.outbox.notify import notify


def notice(messages: Catalogue, lang: str, lines: list[str]) -> Outbound:
    return Outbound(
        "\n".join(lines),
        options=(
            option(messages.text(lang, "menu.status"), Status()),
            option(messages.text(lang, "menu.back"), Menu()),
        ),
    )


async def tell(
    session: AsyncSession, to: ConversationKey, messages: Catalogue, lang: str, lines: list[str]
) -> None:
    """Notify the user of `to` with a casework notice made of `lines`."""
    await notify(session, to, [notice(messages, lang, lines)])
