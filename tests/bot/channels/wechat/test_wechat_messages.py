"""WeChat XML and messages: safe parsing, CDATA escaping, Inbound mapping, reply rendering."""

from __future__ import annotations

import time

import pytest

from bot.channels.render import utf8_length
from bot.channels.wechat import xml
from bot.channels.wechat.errors import BadMessage
from bot.channels.wechat.messages import render, render_passive, to_inbound
from bot.conversation.types import Outbound
from tests.bot.channels.channel_handlers import MENU
from tests.bot.channels.wechat.wechat_samples import BILLION_LAUGHS, EXTERNAL_ENTITY

OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


def message(msg_type: str, **fields: str) -> dict[str, str]:
    return {
        "ToUserName": "gh_10f6c3c3ac5a",
        "FromUserName": OPENID,
        "CreateTime": "1409735668",
        "MsgType": msg_type,
        **fields,
    }


def test_a_pushed_message_parses_to_its_fields() -> None:
    body = (
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>  <![CDATA[text]]></MsgType>"
        "<Content><![CDATA[优待证<怎么>办理 & 在哪]]></Content><MsgId>7</MsgId></xml>"
    ).encode()
    fields = xml.parse(body)
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "优待证<怎么>办理 & 在哪"


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"<xml><Content>unclosed",
        b"",
        b"<html></html>",
        b"\xff\xfe",
    ],
    ids=["entity bomb", "external entity", "malformed", "empty", "not <xml>", "not text"],
)
def test_unreadable_bodies_are_bad_messages(body: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(BadMessage):
        xml.parse(body)
    assert time.perf_counter() - started < 0.1  # refused, not expanded


def test_an_oversized_body_is_refused_before_parsing() -> None:
    body = b"<xml><Content>" + b"a" * xml.MAX_BODY + b"</Content></xml>"
    with pytest.raises(BadMessage, match="more than"):
        xml.parse(body)


@pytest.mark.parametrize(
    "content", ["a]]>b", "]]>", "]]]]>", "x]]>]]>y", "<![CDATA[嵌套]]>", "普通"]
)
def test_cdata_survives_any_content(content: str) -> None:
    reply = xml.text_reply(to_user=OPENID, from_user="gh_1", content=content, created=1)
    assert xml.parse(reply.encode())["Content"] == content


def test_characters_xml_cannot_carry_are_dropped() -> None:
    reply = xml.text_reply(to_user=OPENID, from_user="gh_1", content="a\x00b\x08c\td", created=1)
    assert xml.parse(reply.encode())["Content"] == "abc\td"


def test_a_text_message_names_its_conversation_and_message() -> None:
    inbound = to_inbound(message("text", Content="优待证怎么办？", MsgId="6054768590064713728"))
    assert inbound is not None
    assert str(inbound.key) == f"wechat:{OPENID}:{OPENID}"
    assert (inbound.message_id, inbound.text) == ("6054768590064713728", "优待证怎么办？")
    assert inbound.received_at.timestamp() == 1409735668


def test_a_voice_message_is_read_from_its_recognition() -> None:
    heard = to_inbound(message("voice", MediaId="m", Format="amr", Recognition="抚恤金", MsgId="1"))
    assert heard is not None and heard.text == "抚恤金"
    unheard = to_inbound(message("voice", MediaId="m", Format="amr", MsgId="2"))
    assert unheard is not None and unheard.text is None


def test_a_location_and_an_image() -> None:
    located = to_inbound(message("location", Location_X="28.7", Location_Y="113.6", MsgId="3"))
    assert located is not None and located.location == (28.7, 113.6)
    image = to_inbound(message("image", PicUrl="http://x", MediaId="m", MsgId="4"))
    assert image is not None and (image.text, image.payload) == (None, None)


def test_subscribing_says_start_and_a_menu_click_carries_its_key() -> None:
    subscribed = to_inbound(message("event", Event="subscribe"))
    assert subscribed is not None and subscribed.text == "/start"
    assert subscribed.message_id == f"ev:{OPENID}:1409735668:subscribe"
    clicked = to_inbound(message("event", Event="CLICK", EventKey="menu"))
    assert clicked is not None and clicked.payload == "menu"


@pytest.mark.parametrize("event", ["unsubscribe", "VIEW", "LOCATION", "SCAN", "CLICK"])
def test_events_that_need_no_answer_give_no_inbound(event: str) -> None:
    assert to_inbound(message("event", Event=event)) is None


@pytest.mark.parametrize(
    "fields",
    [
        message("text", Content="没有 MsgId"),
        {"MsgType": "text", "CreateTime": "1", "Content": "x", "MsgId": "1"},
        message("text", CreateTime="yesterday", MsgId="1"),
    ],
    ids=["no MsgId", "no sender", "bad time"],
)
def test_a_message_missing_what_identifies_it_is_bad(fields: dict[str, str]) -> None:
    with pytest.raises(BadMessage):
        to_inbound(fields)


def test_options_render_as_numbered_lines() -> None:
    assert render([Outbound("请选择：", options=MENU)]) == [
        "请选择：\n\n回复 1 优待证办理\n回复 2 预约上门服务"
    ]


def test_a_passive_reply_carries_all_replies_when_they_fit() -> None:
    text, rest = render_passive([Outbound("第一条。"), Outbound("请选择：", options=MENU[:1])])
    assert text == "第一条。\n\n请选择：\n\n回复 1 优待证办理"
    assert rest == []


def test_a_long_reply_is_split_within_wechats_byte_limit() -> None:
    long = "退役军人优待证可在乡镇退役军人服务站申请。" * 100
    text, rest = render_passive([Outbound(long)])
    assert rest
    assert all(utf8_length(part) <= 2048 for part in [text, *rest])
    assert "".join([text, *rest]) == long
