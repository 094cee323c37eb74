"""Small real implementations of the Handler protocol, standing in for the engine in adapter tests.

Like the engine, `EchoHandler` answers a (channel, message id) once: a repeat gets the replies
stored the first time and runs no second turn, and none to send once they were sent."""

from __future__ import annotations

import asyncio

from bot.channels.render import picked_option
from bot.conversation.types import Inbound, Option, Outbound
from bot.errors import TryAgainLater

LONG_PAYLOAD = "booking:slot:2025-03-14T09:30:station.pingjiang.town.anding.village.xinqiao"
UNAVAILABLE = "系统繁忙，请稍后再发一次。"
MENU = (
    Option("优待证办理", "kb:preferential.card"),
    Option("预约上门服务", LONG_PAYLOAD),
)


class EchoHandler:
    def __init__(self, *, delay: float = 0.0, failures: int = 0, unavailable: int = 0) -> None:
        self.turns: list[Inbound] = []
        self.calls = 0
        self._stored: dict[tuple[str, str], list[Outbound]] = {}
        self._delay = delay
        self._failures = failures
        self._unavailable = unavailable  # turns refused as the engine does without its database
        self.delivered: set[tuple[str, str]] = set()  # messages whose replies were sent

    async def to_send(self, inbound: Inbound) -> list[Outbound]:
        """As the engine: nothing for a message whose replies were sent already."""
        replies = await self.handle(inbound)
        return [] if (inbound.channel, inbound.message_id) in self.delivered else replies

    async def sent(self, inbound: Inbound) -> None:
        self.delivered.add((inbound.channel, inbound.message_id))

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        self.calls += 1
        dedupe = (inbound.channel, inbound.message_id)
        if dedupe in self._stored:
            return self._stored[dedupe]
        if self._delay:
            await asyncio.sleep(self._delay)
        if self._unavailable > 0:
            self._unavailable -= 1
            raise TryAgainLater("database unavailable", [Outbound(UNAVAILABLE)])
        if self._failures > 0:
            self._failures -= 1
            raise RuntimeError("the engine fell over (on purpose)")
        self.turns.append(inbound)
        replies = self._reply(inbound)
        self._stored[dedupe] = replies
        return replies

    @staticmethod
    def _reply(inbound: Inbound) -> list[Outbound]:
        if inbound.contact is not None:
            return [Outbound(f"已记录手机号 {inbound.contact.phone}")]
        if inbound.payload is not None:
            option = picked_option(inbound.payload, MENU)
            if option is None:
                return [Outbound("这个菜单已过期，请重新选择。", options=MENU)]
            return [Outbound(f"您选择了：{option.label}")]
        if inbound.text == "菜单":
            return [Outbound("请选择您要办理的事项：", options=MENU)]
        if inbound.text == "登记":
            return [Outbound("请分享您的手机号。", request_contact=True)]
        if inbound.text:
            return [Outbound(f"您说：{inbound.text}")]
        return [Outbound("请发送文字消息。")]
