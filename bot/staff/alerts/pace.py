"""At most N messages a minute to one destination: WeCom allows a group robot 20 a minute, and
Telegram a bot 20 a minute in one group.

Per process, like `bot/channels/telegram/limits.py`: a second process sending to the same robot
is caught by the platform's own refusal (WeCom 45009, Telegram 429), which the sender turns into
a retry later. A message over the limit is not waited for in place either: the outbox worker
sends one message at a time, and a minute's wait would hold up every veteran's reply behind it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WECOM_PER_MINUTE = 20  # developer.work.weixin.qq.com/document/path/91770 (消息发送频率限制)
TELEGRAM_GROUP_PER_MINUTE = 20  # core.telegram.org/bots/faq (no more than 20 a minute in a group)
WINDOW = 60.0


class Pace:
    """Counts sends per destination over a sliding minute."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}

    def wait_for(self, destination: str) -> float:
        """Seconds until a message may go to `destination` (0: now). Taking the slot is
        `sent`'s business, once the message is out."""
        now = self._clock()
        times = self._sent.get(destination)
        if times is None:
            return 0.0
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if not times:
            del self._sent[destination]
            return 0.0
        if len(times) < self.per_minute:
            return 0.0
        return times[0] + WINDOW - now

    def sent(self, destination: str) -> None:
        self._sent.setdefault(destination, deque()).append(self._clock())
