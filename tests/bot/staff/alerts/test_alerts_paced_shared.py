"""The staff alerts' 20 messages a minute per WeCom robot and per Telegram staff group count for
the deployment, not for one process: two senders on one Redis (two server processes) send 20 in
all, and the 21st, on the second, is put off with retry_after until the minute frees a place.
With Redis down each process keeps its own 20 a minute, and no alert is refused for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from pydantic import SecretStr

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.staffchat import TelegramStaffSender
from bot.config import Settings
from bot.conversation.knowledge import Knowledge
from bot.conversation.types import ConversationKey, Outbound
from bot.coordination import Coordination, redis_coordination
from bot.outbox.sender import DeliveryError, Sender
from bot.staff.alerts.targets import GROUP, STAFF_TELEGRAM, WECOM
from bot.staff.alerts.wecom import WeComSender
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.shared_redis import SharedRedis, shared_redis
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.staff.alerts.wecom_fake import KEY, OTHER_KEY, FakeWeComRobots, webhook
from tests.paths import FIXTURE_KB

__all__ = ["shared_redis"]

STAFF_CHAT = "-1001234567890"
COUNTY = ConversationKey(WECOM, "county", GROUP)


@pytest.fixture
def settings(robots: FakeWeComRobots, telegram: FakeTelegram) -> Settings:
    return make_settings(
        policies_dir=FIXTURE_KB,
        wecom_api_base=robots.base_url,
        alert_wecom_webhooks={"county": webhook(KEY), "tongshi": webhook(OTHER_KEY)},
        telegram_token=SecretStr(telegram.token),
        telegram_api_base=telegram.base_url,
    )


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


def process(stack: AsyncExitStack, coordination: Coordination) -> Coordination:
    """One server process's coordination, closed at the test's end."""
    stack.push_async_callback(coordination.close)
    return coordination


def wecom(
    stack: AsyncExitStack, settings: Settings, knowledge: Knowledge, c: Coordination
) -> Sender:
    sender = WeComSender(settings, lambda: knowledge.kb, slots=c.slots)
    stack.push_async_callback(sender.close)
    return sender


def staff_telegram(stack: AsyncExitStack, settings: Settings, c: Coordination) -> Sender:
    limiter = RateLimiter(per_chat_interval=0.0, overall_per_second=1000.0, slots=c.slots)
    client = TelegramClient.from_settings(settings, limiter=limiter)
    stack.push_async_callback(client.close)
    return TelegramStaffSender(client, slots=c.slots)


async def twenty_then_refused(senders: list[Sender], key: ConversationKey) -> DeliveryError:
    """20 alerts to `key`, from the senders in turn; the 21st's refusal, from the last."""
    for n in range(20):
        await senders[n % len(senders)].send(key, [Outbound(f"提醒 {n}")])
    with pytest.raises(DeliveryError) as refused:
        await senders[-1].send(key, [Outbound("提醒 20")])
    return refused.value


def put_off_for_the_minute(refused: DeliveryError) -> None:
    assert "20 messages a minute" in str(refused) and not refused.permanent
    assert refused.retry_after is not None and 50 < refused.retry_after <= 60


async def test_two_processes_share_a_wecom_robots_twenty_a_minute(
    settings: Settings,
    knowledge: Knowledge,
    robots: FakeWeComRobots,
    shared_redis: SharedRedis,
    stack: AsyncExitStack,
) -> None:
    first, second = (process(stack, shared_redis.coordination()) for _ in range(2))
    senders = [wecom(stack, settings, knowledge, c) for c in (first, second)]

    refused = await twenty_then_refused(senders, COUNTY)
    await senders[1].send(ConversationKey(WECOM, "tongshi", GROUP), [Outbound("童市")])

    put_off_for_the_minute(refused)
    assert robots.texts(KEY) == [f"提醒 {n}" for n in range(20)]
    assert robots.texts(OTHER_KEY) == ["童市"]  # another robot counts its own minute


async def test_two_processes_share_a_telegram_staff_groups_twenty_a_minute(
    settings: Settings, telegram: FakeTelegram, shared_redis: SharedRedis, stack: AsyncExitStack
) -> None:
    first, second = (process(stack, shared_redis.coordination()) for _ in range(2))
    senders = [staff_telegram(stack, settings, c) for c in (first, second)]

    refused = await twenty_then_refused(senders, ConversationKey(STAFF_TELEGRAM, STAFF_CHAT, GROUP))

    put_off_for_the_minute(refused)
    assert [m["text"] for m in telegram.sent] == [f"提醒 {n}" for n in range(20)]


async def test_with_redis_down_a_process_still_keeps_a_robot_to_twenty_a_minute(
    settings: Settings, knowledge: Knowledge, robots: FakeWeComRobots, stack: AsyncExitStack
) -> None:
    down = process(stack, redis_coordination("redis://127.0.0.1:1/0", "vetbot-test:down:"))

    refused = await twenty_then_refused([wecom(stack, settings, knowledge, down)], COUNTY)

    put_off_for_the_minute(refused)
    assert len(robots.texts(KEY)) == 20
