"""The customer-service message API against a fake WeChat server: token caching, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.channels.render import utf8_length
from bot.channels.wechat.messages import conversation_key
from bot.channels.wechat.sender import WeChatSender
from bot.conversation.types import ConversationKey, Option, Outbound
from bot.outbox.sender import DeliveryError
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.wechat.wechat_fake import APP_ID, APP_SECRET, FakeWeChat

KEY = conversation_key("oyORnuP8q7ou2gfYjqLzSIWZf0rs")


@pytest.fixture
async def sender(fake_wechat: FakeWeChat) -> AsyncIterator[WeChatSender]:
    settings = make_settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=SecretStr(APP_SECRET),
        wechat_api_base=fake_wechat.base_url,
    )
    sender = WeChatSender(settings)
    try:
        yield sender
    finally:
        await sender.close()


async def test_a_staff_reply_is_sent_as_text_with_one_cached_token(
    fake_wechat: FakeWeChat, sender: WeChatSender
) -> None:
    await sender.send(KEY, [Outbound("您的申请已受理。")])
    await sender.send(KEY, [Outbound("请选择：", options=(Option("确认", "ok"),))])

    assert [m["text"]["content"] for m in fake_wechat.sent] == [
        "您的申请已受理。",
        "请选择：\n\n回复 1 确认",
    ]
    assert fake_wechat.sent[0]["touser"] == KEY.user_id
    assert len(fake_wechat.token_requests) == 1
    assert fake_wechat.token_requests[0]["force_refresh"] is False
    assert "您的申请已受理".encode() in fake_wechat.raw_bodies[0]  # UTF-8, not \\u escapes


async def test_a_rejected_token_is_replaced_and_the_message_sent(
    fake_wechat: FakeWeChat, sender: WeChatSender
) -> None:
    await sender.send(KEY, [Outbound("一")])
    fake_wechat.expire_tokens()

    await sender.send(KEY, [Outbound("二")])

    assert [m["text"]["content"] for m in fake_wechat.sent] == ["一", "二"]
    # stable_token handed back the refused token, so the sender forced a new one.
    assert [r["force_refresh"] for r in fake_wechat.token_requests] == [False, False, True]


async def test_long_text_goes_as_several_messages_within_the_limit(
    fake_wechat: FakeWeChat, sender: WeChatSender
) -> None:
    await sender.send(KEY, [Outbound("退役军人服务站办理优待证。" * 120)])
    assert len(fake_wechat.sent) > 1
    assert all(utf8_length(m["text"]["content"]) <= 2048 for m in fake_wechat.sent)


@pytest.mark.parametrize(
    ("errcode", "permanent", "retry_after"),
    [
        (45015, True, None),
        (45047, True, None),
        (43004, True, None),
        (45009, False, 3600.0),
        (-1, False, 5.0),
        (99999, False, None),
    ],
    ids=["48h window closed", "quota used", "unfollowed", "daily limit", "busy", "unknown"],
)
async def test_errors_say_whether_a_retry_can_help(
    fake_wechat: FakeWeChat,
    sender: WeChatSender,
    errcode: int,
    permanent: bool,
    retry_after: float | None,
) -> None:
    fake_wechat.send_errors.append(errcode)
    with pytest.raises(DeliveryError, match=str(errcode)) as caught:
        await sender.send(KEY, [Outbound("提醒")])
    assert (caught.value.permanent, caught.value.retry_after) == (permanent, retry_after)


async def test_a_wrong_app_secret_says_which_setting_to_check(fake_wechat: FakeWeChat) -> None:
    settings = make_settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=SecretStr("wrong"),
        wechat_api_base=fake_wechat.base_url,
    )
    sender = WeChatSender(settings)
    try:
        with pytest.raises(DeliveryError, match="VETBOT_WECHAT_APP_SECRET"):
            await sender.send(KEY, [Outbound("提醒")])
    finally:
        await sender.close()


async def test_an_unreachable_server_is_worth_retrying(fake_wechat: FakeWeChat) -> None:
    settings = make_settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=SecretStr(APP_SECRET),
        wechat_api_base="http://127.0.0.1:9",  # discard port: nothing listens
    )
    sender = WeChatSender(settings)
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(KEY, [Outbound("提醒")])
    finally:
        await sender.close()
    assert not caught.value.permanent


async def test_a_conversation_of_another_channel_is_refused(sender: WeChatSender) -> None:
    with pytest.raises(DeliveryError, match="not a WeChat conversation"):
        await sender.send(ConversationKey("telegram", "1", "1"), [Outbound("x")])
