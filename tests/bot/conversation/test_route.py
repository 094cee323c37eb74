"""What the engine says: the menu, policy browsing, answers with sources, choices, "not sure"."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.skills.menu import MAIN_MENU
from storage.database import Database
from tests.bot.chatting import Chat, labels, payloads
from tests.paths import FIXTURE_KB


@pytest.mark.parametrize("word", ["菜单", "0", "/start", "０", " 菜单。", "menu"])
async def test_menu_words_show_the_main_menu(chat: Chat, word: str) -> None:
    reply = await chat.say(word)
    assert payloads(reply) == [payload for _, payload in MAIN_MENU]
    assert "请回复数字" in reply.text or "Reply with a number" in reply.text


async def test_every_menu_capability_answers_and_unbuilt_ones_say_so(chat: Chat) -> None:
    """Every menu entry answers: requests and bookings start their flows."""
    await chat.say("菜单")
    for number, (_, payload) in enumerate(MAIN_MENU, start=1):
        reply = await chat.say(str(number))
        assert reply.text, payload
        if payload == "request":
            assert "请选择您要办理的事项" in reply.text
        if payload == "booking":
            assert "您要预约办理什么事项" in reply.text
        if payload == "handoff":  # a ticket in the staff queue, and how to reach them
            assert "编号 T-000001" in reply.text and "测试县退役军人服务中心" in reply.text
        if payload == "status":
            assert "没有通过本助手提交" in reply.text
        await chat.say("0")


async def test_browse_a_category_and_read_an_answer(chat: Chat) -> None:
    await chat.say("菜单")
    categories = await chat.say("1")
    assert labels(categories) == ["服务站与办事指南", "优抚优待", "回到主菜单"]
    entries = await chat.pick("cat:preferential")
    # The expired entry is not offered; browsing can go back to categories or the menu.
    assert payloads(entries) == [
        "entry:preferential.card",
        "entry:preferential.card_loss",
        "entry:preferential.family_allowance",
        "policy",
        "menu",
    ]
    answer = await chat.say("3")
    assert "义务兵家庭优待金" in answer.text and "测试答案" in answer.text


async def test_answer_cites_source_and_review_date_and_offers_its_actions(chat: Chat) -> None:
    reply = await chat.say("优待证怎么办理")
    assert "测试答案：到乡镇服务站申请优待证。" in reply.text
    assert "依据：测试来源乙（2024-06-01 核对）" in reply.text
    assert [(o.label, o.payload) for o in reply.options] == [
        ("优待证申请或查询", "request:preferential_card"),
        ("预约办事", "booking"),
        ("有帮助", "helped:preferential.card:yes"),  # the verdicts, after the next steps
        ("没帮助", "helped:preferential.card:no"),
        ("回到主菜单", "menu"),
    ]
    follow = await chat.say("1")  # the action starts its form (town first: none is set)
    assert "办理“优待证申请或查询”需要知道您所在的乡镇" in follow.text


async def test_clarify_offers_numbered_choices_picked_by_digit_or_button(chat: Chat) -> None:
    reply = await chat.say("优待证")
    assert "哪一个" in reply.text
    assert payloads(reply)[:2] == ["entry:preferential.card_loss", "entry:preferential.card"]
    by_digit = await chat.say("2")
    assert "测试答案：到乡镇服务站申请优待证。" in by_digit.text
    await chat.say("优待证")
    by_button = await chat.pick("entry:preferential.card_loss")
    assert "先到银行挂失" in by_button.text


async def test_a_digit_outside_the_options_repeats_them(chat: Chat) -> None:
    offered = await chat.say("优待证")
    reply = await chat.say("9")
    assert "没有第 9 项" in reply.text
    assert reply.options == offered.options


async def test_a_digit_when_nothing_was_offered_says_so(chat: Chat) -> None:
    reply = await chat.say("1")
    assert "没有可选的项目" in reply.text


async def test_fallback_then_a_person_after_two_in_a_row(chat: Chat) -> None:
    first = await chat.say("嗯呐呐哒哒")
    assert "不太确定" in first.text and "handoff" in payloads(first)
    second = await chat.say("咔咔咔哒哒哒")
    assert "已为您转给工作人员" in second.text and "编号 T-000001" in second.text
    assert "测试县退役军人服务中心" in second.text
    await chat.say("取消")  # leaves the chat with staff (the ticket stays with them)
    await chat.say("优待证怎么办理")  # understood: the count starts again
    again = await chat.say("嗯呐呐哒哒")
    assert "不太确定" in again.text


async def test_english_question_gets_the_english_answer(chat: Chat) -> None:
    reply = await chat.say("How do I apply for the veteran preferential card?")
    assert reply.text.startswith("Applying for the preferential card")
    assert "Source: 测试来源乙 (checked 2024-06-01)" in reply.text
    assert labels(reply)[0] == "Preferential card application or enquiry"
    assert (await chat.state()).language == "en"
    back = await chat.say("优待证怎么办理")  # writing Chinese switches back
    assert "依据" in back.text and (await chat.state()).language == "zh"


async def test_entry_without_translation_says_so_in_english(chat: Chat) -> None:
    await chat.pick("lang:en")
    reply = await chat.pick("entry:preferential.card_loss")
    assert reply.text.startswith("(No English version")
    assert "先到银行挂失" in reply.text


async def test_language_is_picked_from_the_menu(chat: Chat) -> None:
    await chat.say("菜单")
    choose = await chat.say("7")
    assert payloads(choose) == ["lang:zh", "lang:en"]
    menu = await chat.say("2")
    assert menu.text.startswith("OK, I will reply in English.")
    assert labels(menu)[0] == "Policy questions"


async def test_expired_entry_is_not_served_as_an_answer(chat: Chat) -> None:
    reply = await chat.say("老补助还能领吗")
    assert "不在有效期内" in reply.text and "测试答案" not in reply.text


async def test_distress_gets_emergency_numbers_first(
    database: Database, knowledge: Knowledge
) -> None:
    settings = Settings(policies_dir=FIXTURE_KB, crisis_contact="心理援助热线 12356")
    chat = Chat(Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings))
    reply = await chat.say("我不想活了")
    assert reply.text.startswith("如果您或身边的人现在有危险，请立即拨打 110")
    assert "心理援助热线 12356" in reply.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好", "请回复数字"),
        ("谢谢", "不客气"),
        ("今天天气怎么样", "不在我的服务范围内"),
        ("我要申请", "请选择您要办理的事项"),
        ("预约", "您要预约办理什么事项"),
        ("查进度", "没有通过本助手提交"),
        ("转人工", "编号 T-000001"),
        ("取消", "目前没有正在办理的事项"),
    ],
)
async def test_intents(chat: Chat, text: str, expected: str) -> None:
    assert expected in (await chat.say(text)).text


@pytest.mark.parametrize("payload", ["entry:nope.nothing", "flow:town:tongshi", "cat:nope", "zzz"])
async def test_stale_or_unknown_payloads_show_the_menu_choices(chat: Chat, payload: str) -> None:
    reply = await chat.pick(payload)
    assert "已经失效" in reply.text
    assert payloads(reply) == [payload for _, payload in MAIN_MENU]


async def test_contact_uses_the_users_station_and_never_invents(chat: Chat) -> None:
    county = await chat.pick("handoff")
    assert "地址和电话暂未登记" in county.text and "设置您所在的乡镇" in county.text
    await chat.pick("town")
    await chat.pick("flow:town:tongshi")
    town = await chat.pick("handoff")
    assert "童市镇退役军人服务站" in town.text
    assert "地址：童市镇政府一楼" in town.text and "电话：0730-0000000" in town.text
    assert "办公时间：工作日 8:30-17:30" in town.text and "暂未登记" not in town.text
