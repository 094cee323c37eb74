"""Telegram updates to `Inbound`, and replies to messages with keyboards (no network)."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import ReplyKeyboardMarkup

from bot.channels.telegram.updates import Update, render, to_inbound
from bot.conversation.types import Outbound
from tests.bot.channels.channel_handlers import MENU

PRIVATE = {"id": 42, "type": "private", "first_name": "老兵"}
USER = {"id": 42, "is_bot": False, "first_name": "老兵"}


def update(**body: Any) -> Update:
    return Update.model_validate({"update_id": 1, **body})


def message(**content: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_700_000_000, "chat": PRIVATE, "from": USER, **content}


def test_a_text_message_names_its_conversation_and_message() -> None:
    inbound = to_inbound(update(message=message(text="你好")))
    assert inbound is not None
    assert str(inbound.key) == "telegram:42:42"
    assert inbound.message_id == "42:7"
    assert inbound.text == "你好"
    assert inbound.received_at.timestamp() == 1_700_000_000


def test_a_photo_caption_is_read_as_text_and_a_location_is_kept() -> None:
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    inbound = to_inbound(update(message=message(photo=photo, caption="这是我的证件")))
    assert inbound is not None and inbound.text == "这是我的证件"
    located = to_inbound(update(message=message(location={"latitude": 28.7, "longitude": 113.6})))
    assert located is not None and located.location == (28.7, 113.6)


@pytest.mark.parametrize(
    "body",
    [
        {"message": message(text="大家好", chat={"id": -100, "type": "group", "title": "站"})},
        {"message": message(text="我是机器人", **{"from": {**USER, "is_bot": True}})},
        {"edited_message": message(text="改过的话", edit_date=1_700_000_100)},
    ],
    ids=["group chat", "bot sender", "edited message"],
)
def test_what_is_not_for_the_engine_gives_no_inbound(body: dict[str, Any]) -> None:
    assert to_inbound(update(**body)) is None


def test_a_button_press_carries_its_data_and_the_query_as_message_id() -> None:
    query = {"id": "q9", "from": USER, "chat_instance": "c", "data": "kb:preferential.card"}
    inbound = to_inbound(update(callback_query={**query, "message": message(text="菜单")}))
    assert inbound is not None
    assert (inbound.message_id, inbound.payload, inbound.text) == ("cb:q9", query["data"], None)
    without_message = to_inbound(update(callback_query=query))
    assert without_message is not None and str(without_message.key) == "telegram:42:42"


def test_long_replies_are_split_with_the_keyboard_under_the_last_part() -> None:
    rendered = render([Outbound("说明。" * 1500, options=MENU)])
    assert len(rendered) == 2
    assert all(len(part.text) <= 4096 for part in rendered)
    assert rendered[0].markup is None
    assert rendered[1].markup is not None


def test_a_phone_request_numbers_its_options_and_keeps_its_keyboard_for_the_turn() -> None:
    rendered = render(
        [
            Outbound("请分享手机号。", options=MENU[:1], request_contact=True),
            Outbound("也可以直接输入号码。"),
        ]
    )
    assert rendered[0].text == "请分享手机号。\n\n回复 1 优待证办理"
    markup = rendered[0].markup
    assert isinstance(markup, ReplyKeyboardMarkup) and markup.keyboard[0][0].request_contact
    assert rendered[1].markup is None  # removing the keyboard now would hide the button
