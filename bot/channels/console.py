"""Terminal adapter for `vetbot chat`: lines typed in, replies printed with numbered options."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from bot.conversation.types import ConversationKey, Handler, Inbound, Outbound

CHANNEL = "console"


def render(reply: Outbound) -> str:
    lines = [reply.text]
    lines += [f"  {n}. {option.label}" for n, option in enumerate(reply.options, start=1)]
    return "\n".join(lines)


class Console:
    """One person at a terminal; `user` names the conversation, so it continues next time."""

    def __init__(
        self,
        handler: Handler,
        user: str,
        *,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
    ) -> None:
        self.handler = handler
        self.key = ConversationKey(CHANNEL, user, user)
        self.read = read
        self.write = write

    async def send(self, text: str | None = None, payload: str | None = None) -> None:
        inbound = Inbound(self.key, uuid.uuid4().hex, text=text, payload=payload)
        for reply in await self.handler.handle(inbound):
            self.write(render(reply) + "\n")

    async def run(self) -> None:
        """Read lines until end of input (Ctrl-D) or an interrupt."""
        while True:
            try:
                line = await asyncio.to_thread(self.read, "> ")
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip():
                await self.send(text=line)
