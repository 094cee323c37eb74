"""A veteran's conversation over Telegram long polling: the real aiogram client, a fake Bot API."""

from __future__ import annotations

import time

import pytest

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.polling import TelegramPoller
from tests.bot.channels.channel_handlers import LONG_PAYLOAD, EchoHandler
from tests.bot.channels.telegram.telegram_fake import FakeTelegram

USER = 42


@pytest.fixture
def poller(client: TelegramClient, echo: EchoHandler) -> TelegramPoller:
    return TelegramPoller(client, echo, poll_timeout=0, retry_delay=0)


async def test_a_question_gets_a_reply_and_is_then_acknowledged(
    fake_telegram: FakeTelegram, poller: TelegramPoller
) -> None:
    update = fake_telegram.user_message(USER, text="优待证怎么办理？")

    assert await poller.poll_once()

    assert [(m["chat_id"], m["text"]) for m in fake_telegram.sent] == [
        (str(USER), "您说：优待证怎么办理？")
    ]
    assert poller.offset == update["update_id"] + 1
    await poller.poll_once()  # the next getUpdates carries the offset: Telegram forgets it
    assert fake_telegram.updates == []


async def test_an_inline_option_is_picked_by_its_button(
    fake_telegram: FakeTelegram, poller: TelegramPoller, echo: EchoHandler
) -> None:
    fake_telegram.user_message(USER, text="菜单")
    await poller.poll_once()
    menu = fake_telegram.bot_messages[-1]
    buttons = [row[0] for row in menu["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["1. 优待证办理", "2. 预约上门服务"]
    assert buttons[0]["callback_data"] == "kb:preferential.card"
    # The long payload does not fit Telegram's 64 bytes: a token stands in for it.
    assert len(LONG_PAYLOAD.encode()) > 64
    assert buttons[1]["callback_data"].startswith("#")
    assert len(buttons[1]["callback_data"].encode()) <= 64

    press = fake_telegram.press(USER, menu, buttons[1]["callback_data"])
    await poller.poll_once()

    assert echo.turns[-1].payload == buttons[1]["callback_data"]
    assert fake_telegram.sent[-1]["text"] == "您选择了：预约上门服务"
    assert fake_telegram.answered == [press["callback_query"]["id"]]
    # The menu now shows the choice and has no buttons left to press twice.
    assert fake_telegram.edits[-1]["message_id"] == str(menu["message_id"])
    assert fake_telegram.edits[-1]["text"] == "请选择您要办理的事项：\n\n✓ 2. 预约上门服务"
    assert "reply_markup" not in fake_telegram.edits[-1]


async def test_the_users_own_contact_fills_the_phone(
    fake_telegram: FakeTelegram, poller: TelegramPoller, echo: EchoHandler
) -> None:
    fake_telegram.user_message(USER, text="登记")
    await poller.poll_once()
    keyboard = fake_telegram.sent[-1]["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    assert keyboard["one_time_keyboard"] is True

    contact = {"phone_number": "+8613800138000", "first_name": "老兵", "user_id": USER}
    fake_telegram.user_message(USER, contact=contact)
    await poller.poll_once()

    assert echo.turns[-1].contact is not None
    assert echo.turns[-1].contact.phone == "+8613800138000"
    assert fake_telegram.sent[-1]["text"] == "已记录手机号 +8613800138000"
    assert fake_telegram.sent[-1]["reply_markup"] == {"remove_keyboard": True}


@pytest.mark.parametrize("owner", [77, None], ids=["someone else's", "no telegram user"])
async def test_someone_elses_contact_is_not_taken_as_the_users_phone(
    fake_telegram: FakeTelegram, poller: TelegramPoller, echo: EchoHandler, owner: int | None
) -> None:
    contact: dict[str, object] = {"phone_number": "+8613900139000", "first_name": "邻居"}
    if owner is not None:
        contact["user_id"] = owner
    fake_telegram.user_message(USER, contact=contact)

    await poller.poll_once()

    assert echo.turns[-1].contact is None
    assert fake_telegram.sent[-1]["text"] == "请发送文字消息。"
    assert "+8613900139000" not in str(fake_telegram.sent)


async def test_an_update_whose_reply_failed_is_redelivered_and_answered_once(
    fake_telegram: FakeTelegram, poller: TelegramPoller, echo: EchoHandler
) -> None:
    fake_telegram.fail("sendMessage", 500)
    update = fake_telegram.user_message(USER, text="抚恤金什么时候发？")

    assert not await poller.poll_once()  # the reply could not be sent: not acknowledged
    assert poller.offset is None
    assert await poller.poll_once()  # Telegram gives the update again

    assert len(echo.turns) == 1  # one turn; the repeat got the stored replies
    assert echo.calls == 2
    assert [m["text"] for m in fake_telegram.sent] == ["您说：抚恤金什么时候发？"]
    assert poller.offset == update["update_id"] + 1


async def test_an_update_redelivered_after_a_restart_runs_no_second_turn(
    fake_telegram: FakeTelegram, client: TelegramClient, echo: EchoHandler
) -> None:
    fake_telegram.user_message(USER, text="你好")
    await TelegramPoller(client, echo, poll_timeout=0).poll_once()
    # The process stops before its next getUpdates could acknowledge the update.
    await TelegramPoller(client, echo, poll_timeout=0).poll_once()

    assert len(echo.turns) == 1
    # Its reply went out the first time, and was recorded so: not sent again (issue 16).
    assert [m["text"] for m in fake_telegram.sent] == ["您说：你好"]


async def test_an_update_that_keeps_failing_is_skipped_after_the_last_attempt(
    fake_telegram: FakeTelegram, client: TelegramClient
) -> None:
    handler = EchoHandler(failures=3)
    poller = TelegramPoller(client, handler, poll_timeout=0, max_attempts=3, retry_delay=0)
    fake_telegram.user_message(USER, text="第一条")
    second = fake_telegram.user_message(USER, text="第二条")

    results = [await poller.poll_once() for _ in range(3)]

    assert results == [False, False, True]
    assert [m["text"] for m in fake_telegram.sent] == ["您说：第二条"]
    assert poller.offset == second["update_id"] + 1


async def test_a_short_flood_wait_is_waited_out_before_sending(
    fake_telegram: FakeTelegram, poller: TelegramPoller
) -> None:
    fake_telegram.fail("sendMessage", 429, retry_after=1)
    fake_telegram.user_message(USER, text="你好")
    started = time.monotonic()

    assert await poller.poll_once()

    assert fake_telegram.sent_at[0] - started >= 1.0
    assert [m["text"] for m in fake_telegram.sent] == ["您说：你好"]
    assert fake_telegram.calls.count("sendMessage") == 2


async def test_updates_wait_without_limit_while_the_database_is_away(
    fake_telegram: FakeTelegram, client: TelegramClient
) -> None:
    handler = EchoHandler(unavailable=4)
    poller = TelegramPoller(client, handler, poll_timeout=0, max_attempts=2, retry_delay=0)
    fake_telegram.user_message(USER, text="还在吗")

    results = [await poller.poll_once() for _ in range(5)]

    assert results == [False, False, False, False, True]  # never skipped as poisonous
    assert [m["text"] for m in fake_telegram.sent] == ["您说：还在吗"]
