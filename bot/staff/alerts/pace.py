"""At most N messages a minute to one destination: WeCom allows a group robot 20 a minute, and
Telegram a bot 20 a minute in one group.

The platforms count per robot and per bot, whichever process sends, so the count is kept in the
deployment's `Slots` (`bot.coordination`): in Redis, shared by every server process, when
VETBOT_REDIS_URL is set; else, and while Redis cannot be reached, in this process, where a
second process is caught only by the platform's own refusal (WeCom 45009, Telegram 429), which
the sender turns into a retry later. A message takes its place in the minute before it is sent,
in one atomic step, so two processes cannot both take the twentieth; one whose send then fails
still counts, as the platform may have counted it too.

A message over the limit is not waited for in place: the outbox worker sends one message at a
time, and a minute's wait would hold up every veteran's reply behind it.
"""

from __future__ import annotations

from bot.coordination.local import LocalSlots
from bot.coordination.types import Slots

WECOM_PER_MINUTE = 20  # developer.work.weixin.qq.com/document/path/91770 (消息发送频率限制)
TELEGRAM_GROUP_PER_MINUTE = 20  # core.telegram.org/bots/faq (no more than 20 a minute in a group)
WINDOW = 60.0


class Pace:
    """Counts the messages to each destination of one kind (its lane in `slots` is
    "`kind`:destination") over a sliding minute."""

    def __init__(self, kind: str, per_minute: int, slots: Slots | None = None) -> None:
        self.per_minute = per_minute
        self._kind = kind
        self._slots = slots or LocalSlots()

    async def take(self, destination: str) -> float:
        """Count a message to `destination`: 0.0, it may go now. Else it is not counted, and
        the seconds until it may."""
        return await self._slots.admit(f"{self._kind}:{destination}", self.per_minute, WINDOW)
