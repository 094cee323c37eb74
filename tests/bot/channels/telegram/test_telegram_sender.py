"""The outbox's Telegram sender: staff replies delivered, 429 honoured, failures classified."""

from __future__ import annotations

import time

import pytest

from bot.channels.telegram.client import TelegramClient, TelegramSender
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.updates import conversation_key
from bot.config import Settings
from bot.conversation.types import ConversationKey, Outbound
from bot.outbox.sender import DeliveryError
from tests.bot.channels.telegram.telegram_fake import FakeTelegram

KEY = conversation_key(42, 42)


@pytest.fixture
def sender(client: TelegramClient) -> TelegramSender:
    return TelegramSender(client)


async def test_a_staff_reply_from_the_outbox_reaches_the_chat(
    fake_telegram: FakeTelegram, sender: TelegramSender
) -> None:
    await sender.send(KEY, [Outbound("您好，您的申请已受理，编号 PJ-0012。")])
    assert [(m["chat_id"], m["text"]) for m in fake_telegram.sent] == [
        ("42", "您好，您的申请已受理，编号 PJ-0012。")
    ]


async def test_a_short_429_is_retried_by_the_sender(
    fake_telegram: FakeTelegram, sender: TelegramSender
) -> None:
    fake_telegram.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()

    await sender.send(KEY, [Outbound("提醒：明天上午九点预约。")])

    assert fake_telegram.calls.count("sendMessage") == 2
    assert len(fake_telegram.sent) == 1
    assert fake_telegram.sent_at[0] - started >= 1.0


async def test_a_long_429_goes_back_to_the_outbox_with_its_retry_after(
    fake_telegram: FakeTelegram, sender: TelegramSender
) -> None:
    fake_telegram.fail("sendMessage", 429, retry_after=30)

    with pytest.raises(DeliveryError) as caught:
        await sender.send(KEY, [Outbound("提醒")])

    assert caught.value.retry_after == 30.0
    assert not caught.value.permanent
    assert fake_telegram.sent == []


async def test_a_blocked_bot_is_a_permanent_failure(
    fake_telegram: FakeTelegram, sender: TelegramSender
) -> None:
    fake_telegram.fail("sendMessage", 403)
    with pytest.raises(DeliveryError) as caught:
        await sender.send(KEY, [Outbound("提醒")])
    assert caught.value.permanent


async def test_a_server_error_is_worth_retrying_later(
    fake_telegram: FakeTelegram, sender: TelegramSender
) -> None:
    fake_telegram.fail("sendMessage", 500)
    with pytest.raises(DeliveryError) as caught:
        await sender.send(KEY, [Outbound("提醒")])
    assert not caught.value.permanent
    assert caught.value.retry_after is None


async def test_a_conversation_of_another_channel_is_refused(sender: TelegramSender) -> None:
    with pytest.raises(DeliveryError, match="not a Telegram conversation") as caught:
        await sender.send(ConversationKey("wechat", "o1", "o1"), [Outbound("x")])
    assert caught.value.permanent


async def test_sends_to_one_chat_are_spaced_and_other_chats_are_not_held_up(
    fake_telegram: FakeTelegram, telegram_settings: Settings
) -> None:
    # A virtual clock: the limiter's waits are added up instead of slept, so the spacing is
    # checked exactly and a slow first connection on a loaded machine cannot blur it.
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(
        per_chat_interval=0.3, overall_per_second=1000.0, clock=lambda: now[0], sleep=sleep
    )
    client = TelegramClient.from_settings(telegram_settings, limiter=limiter)
    try:
        sender = TelegramSender(client)
        await sender.send(KEY, [Outbound("一"), Outbound("二"), Outbound("三")])
        after_one_chat = now[0]
        await sender.send(conversation_key(43, 43), [Outbound("别人")])
    finally:
        await client.close()
    assert [m["text"] for m in fake_telegram.sent] == ["一", "二", "三", "别人"]
    assert after_one_chat == pytest.approx(0.6, abs=0.01)  # two waits of 0.3 s in one chat
    assert now[0] - after_one_chat < 0.01  # another chat is not held up


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 4))


async def test_the_limiter_spaces_one_chat_a_second_and_all_chats_thirty_a_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(3):
        await limiter.wait("42")
    assert clock.slept == [1.0, 2.0]  # the clock stands still: each wait reserves the next slot

    clock.now, clock.slept = 200.0, []
    for chat in range(4):
        await limiter.wait(f"chat-{chat}")
    assert clock.slept == [round(1 / 30, 4), round(2 / 30, 4), round(3 / 30, 4)]


async def test_a_429_pauses_the_chat() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    await limiter.pause("42", 7)
    await limiter.wait("42")
    assert clock.slept == [7.0]
