"""Linking channels through the engine: a code from the web chat typed on WeChat, once the web
chat allows it, makes the two one user, whose requests and tickets follow; expired, reused and
guessed codes change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.conversation.engine import Engine
from bot.skills.linking import MAX_WRONG, typed_code
from bot.skills.menu import MAIN_MENU
from storage.models import LinkAttempts, LinkCode, OutboxMessage, Ticket
from storage.models.base import utcnow
from storage.repositories.messages import MessageLog
from storage.repositories.requests import Requests
from storage.repositories.users import Users
from tests.bot.chatting import Chat, payloads

_CODE = re.compile(r"\b(\d{6})\b")


def _code(text: str) -> str:
    match = _CODE.search(text)
    assert match is not None, text
    return match[1]


async def _ask_code(chat: Chat) -> str:
    reply = await chat.say("关联账号")
    assert "关联 " in reply.text and "10 分钟" in reply.text
    return _code(reply.text)


async def _file_request(engine: Engine, chat: Chat) -> str:
    """A request on file for this chat's user (the form itself is tested with the flows)."""
    state = await chat.state()
    async with engine.database.transaction() as session:
        filed = await Requests(session).file(
            prefix="PJ",
            year=2026,
            user_id=state.user_id,
            type_id="preferential_card",
            station_id="tongshi",
            answers={},
            language="zh",
            channel=chat.key.channel,
            chat_id=chat.key.chat_id,
            external_user_id=chat.key.user_id,
        )
    return filed.number


async def _users(*chats: Chat) -> list[int]:
    return [(await chat.state()).user_id for chat in chats]


async def test_web_code_typed_on_wechat_merges_requests_tickets_and_history(
    engine: Engine,
) -> None:
    web = Chat(engine, "cookie-1", channel="web")
    wechat = Chat(engine, "openid-1", channel="wechat")
    await web.say("菜单")
    number = await _file_request(engine, web)
    await web.pick("handoff")  # a ticket in the staff queue
    await web.say("0")
    await wechat.say("你好")
    web_user, wechat_user = await _users(web, wechat)
    assert web_user != wechat_user

    code = await _ask_code(web)
    asked = await wechat.say(f"关联 {code}")
    assert "请到网页聊天回复 1 同意" in asked.text
    assert await _users(web, wechat) == [web_user, wechat_user]  # nothing before the yes
    done = await web.say("1")
    assert "关联成功" in done.text and "微信" in done.text

    assert await _users(web, wechat) == [web_user, web_user]
    status = await wechat.say("查询进度")
    assert number in status.text
    web_conversation = (await web.state()).id
    async with engine.database.transaction() as session:
        assert await Users(session).identities(web_user) == [
            ("web", "cookie-1"),
            ("wechat", "openid-1"),
        ]
        assert list(await session.scalars(select(Ticket.user_id))) == [web_user]
        # The web chat's log is its mailbox: the question waited there for the page to fetch.
        web_log = await MessageLog(session).recent(web_conversation)
        question = next(m for m in web_log if m.outcome == "notice")
        assert "微信想关联您的账号" in question.text
        assert [payload for _, payload in question.options] == ["link:yes", "link:no"]
        sent = list(await session.scalars(select(OutboxMessage)))
        assert [(m.channel, m.external_user_id) for m in sent] == [("wechat", "openid-1")]
        assert "已与网页聊天关联" in sent[0].payload[0]["text"]
        assert list(await session.scalars(select(LinkCode.code_hash))) == []
    # WeChat's earlier history is still there, now the same user's.
    assert next(m.text for m in await wechat.log()) == "你好"


async def test_wechat_code_typed_on_the_web_tells_wechat_through_the_outbox(
    engine: Engine,
) -> None:
    web = Chat(engine, "cookie-1", channel="web")
    wechat = Chat(engine, "openid-1", channel="wechat")
    code = await _ask_code(wechat)
    asked = await web.say(f"link {code}")
    assert "请到微信回复 1 同意" in asked.text
    async with engine.database.transaction() as session:
        sent = list(await session.scalars(select(OutboxMessage)))
    assert [(m.channel, m.external_user_id) for m in sent] == [("wechat", "openid-1")]
    question = sent[0].payload[0]
    assert "网页聊天想关联您的账号" in question["text"]
    assert [o["payload"] for o in question["options"]] == ["link:yes", "link:no"]
    done = await wechat.say("1")
    assert "关联成功" in done.text and "网页聊天" in done.text
    assert "已与微信关联" in (await web.log())[-1].text
    wechat_user, web_user = await _users(wechat, web)
    assert wechat_user == web_user


async def test_the_menu_offers_linking_and_the_code_stays_out_of_the_log(chat: Chat) -> None:
    menu = await chat.say("菜单")
    assert payloads(menu)[-1] == "link" == MAIN_MENU[-1][1]
    reply = await chat.say(str(len(MAIN_MENU)))
    code = _code(reply.text)
    assert "关联 " + code in reply.text
    logged = " ".join(m.text for m in await chat.log())
    assert code not in logged and "••••••" in logged


async def test_an_expired_code_is_refused_politely_and_changes_nothing(engine: Engine) -> None:
    web, wechat = Chat(engine, "cookie-1", channel="web"), Chat(engine, "openid-1", "wechat")
    code = await _ask_code(web)
    async with engine.database.transaction() as session:
        await session.execute(update(LinkCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    reply = await wechat.say(f"关联 {code}")
    assert "不对或已经过期" in reply.text
    web_user, wechat_user = await _users(web, wechat)
    assert web_user != wechat_user


async def test_a_used_code_does_not_work_again(engine: Engine) -> None:
    web = Chat(engine, "cookie-1", channel="web")
    wechat = Chat(engine, "openid-1", channel="wechat")
    telegram = Chat(engine, "42", channel="telegram")
    code = await _ask_code(web)
    await wechat.say(f"关联 {code}")
    assert "关联成功" in (await web.say("1")).text
    again = await telegram.say(f"关联 {code}")
    assert "不对或已经过期" in again.text
    web_user, _, telegram_user = await _users(web, wechat, telegram)
    assert telegram_user != web_user


async def test_wrong_codes_lock_the_conversation_out_even_for_the_right_one(
    engine: Engine,
) -> None:
    web, wechat = Chat(engine, "cookie-1", channel="web"), Chat(engine, "openid-1", "wechat")
    code = await _ask_code(web)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_WRONG - 1):
        assert "不对或已经过期" in (await wechat.say(f"关联 {wrong}")).text
    assert "30 分钟后再试" in (await wechat.say(f"关联 {wrong}")).text
    assert "分钟后再试" in (await wechat.say(f"关联 {code}")).text
    web_user, wechat_user = await _users(web, wechat)
    assert web_user != wechat_user
    # The code itself died of the guesses against it, for everyone.
    other = Chat(engine, "openid-2", channel="wechat")
    assert "不对或已经过期" in (await other.say(f"关联 {code}")).text
    # Another conversation is not locked out by this one's guesses.
    fresh = await _ask_code(web)
    assert "回复 1 同意" in (await other.say(f"关联 {fresh}")).text
    assert "关联成功" in (await web.say("1")).text

    # Once the lockout is served, a fresh code works here too.
    async with engine.database.transaction() as session:
        await session.execute(
            update(LinkAttempts).values(locked_until=utcnow() - timedelta(seconds=1))
        )
    fresh = await _ask_code(web)
    assert "回复 1 同意" in (await wechat.say(f"关联 {fresh}")).text
    assert "关联成功" in (await web.say("1")).text
    assert len(set(await _users(web, wechat, other))) == 1


async def test_a_code_typed_where_it_was_given_or_between_linked_channels_is_harmless(
    engine: Engine,
) -> None:
    web, wechat = Chat(engine, "cookie-1", channel="web"), Chat(engine, "openid-1", "wechat")
    code = await _ask_code(web)
    here = await web.say(f"关联 {code}")
    assert "这个关联码是在这里获取的" in here.text
    assert "回复 1 同意" in (await wechat.say(f"关联 {code}")).text  # still valid after that
    assert "关联成功" in (await web.say("1")).text
    again = await _ask_code(web)
    assert "已经关联过了" in (await wechat.say(f"关联 {again}")).text


async def test_typing_a_code_leaves_a_half_done_flow(chat: Chat) -> None:
    await chat.pick("town")
    assert (await chat.state()).flow == "town"
    reply = await chat.say("关联 000000")
    assert "不对或已经过期" in reply.text
    assert (await chat.state()).flow is None


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("关联 123456", "123456"),
        ("关联123456", "123456"),
        ("关联码:123 456", "123456"),
        ("link 012345", "012345"),
        ("/link 012345", "012345"),
        ("關聯 654321", "654321"),
        ("关联 12345", None),
        ("关联 1234567", None),
        ("123456", None),
        ("关联账号", None),
    ],
)
def test_typed_codes(word: str, code: str | None) -> None:
    assert typed_code(word) == code
