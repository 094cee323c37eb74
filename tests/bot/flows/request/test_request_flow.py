"""The request form through the real engine: fill, check, go back, cancel, correct, file."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.channels.render import button_data
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import Contact, Inbound
from bot.privacy.sealing import data_key
from storage.database import Database
from storage.models import ServiceRequest
from storage.repositories.conversations import Conversations
from storage.repositories.requests import Filed, Requests
from tests.bot.chatting import Chat, labels, payloads
from tests.bot.flows.dated import ID_MASKED, ID_NUMBER, PHONE
from tests.paths import FIXTURE_KB

# The preferential-card form for a user who has not set a town: each message and a piece of
# the question it brings.
WALK = [
    ("request:preferential_card", "需要知道您所在的乡镇"),
    ("童市", "接下来需要填写您的姓名、电话等个人信息"),
    ("同意", "请输入您的姓名"),
    ("张三", "请输入您的18位身份证号码"),
    (ID_NUMBER, "请输入您的手机号码"),
    (PHONE, "您要办理哪一项"),
    ("1", "还有什么要说明的吗"),
    ("跳过", "请核对您要提交的“优待证申请或查询”"),
]


async def walk(chat: Chat, steps: int = len(WALK)) -> str:
    """Send the first `steps` messages of WALK; the text of the last reply."""
    text = ""
    for message, expected in WALK[:steps]:
        if message.startswith("request:"):
            reply = await chat.pick(message)
        else:
            reply = await chat.say(message)
        assert expected in reply.text, (message, reply.text)
        text = reply.text
    return text


async def filed(chat: Chat) -> list[Filed]:
    user_id = (await chat.state()).user_id
    async with chat.engine.database.transaction() as session:
        return await Requests(session).of_user(user_id)


async def request_rows(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(ServiceRequest)) or 0)


async def test_a_whole_form_is_filed_with_a_tracking_number(chat: Chat, settings: Settings) -> None:
    summary = await walk(chat)
    assert "姓名：张三" in summary and f"身份证号码：{ID_MASKED}" in summary
    assert f"手机号码：{PHONE}" in summary and "办理事项：首次申请" in summary
    assert "备注：（未填写）" in summary and "将由童市镇退役军人服务站办理" in summary
    done = await chat.say("确认")
    assert "已提交！您的申请编号是 PJ-2026-000001，由童市镇退役军人服务站办理" in done.text
    assert payloads(done) == ["status", "menu"]
    [request] = await filed(chat)
    assert (request.number, request.type_id, request.station_id) == (
        "PJ-2026-000001",
        "preferential_card",
        "tongshi",
    )
    assert request.state == "submitted" and request.channel == "test"
    sealed = request.answers["id_number"]
    assert ID_NUMBER not in sealed and data_key(settings).open(sealed) == ID_NUMBER
    assert request.answers["phone"] == PHONE and request.answers["purpose"] == "0"
    state = await chat.state()
    assert (state.flow, state.values, state.station_id) == (None, {}, "tongshi")


async def test_the_id_number_is_never_at_rest_in_the_clear(chat: Chat) -> None:
    await walk(chat, 5)  # the ID number was just typed; the form is still open
    state = await chat.state()
    assert ID_NUMBER not in str(state.values)
    assert all(ID_NUMBER not in message.text for message in await chat.log())
    assert any(ID_MASKED in message.text for message in await chat.log())


async def test_a_second_form_gets_the_next_number(chat: Chat) -> None:
    await walk(chat)
    await chat.say("确认")
    await chat.pick("request:callback")  # county level: no town needed, no consent for it yet
    await chat.say("同意")
    await chat.say(PHONE)
    await chat.say("跳过")
    done = await chat.say("确认")
    assert "PJ-2026-000002" in done.text and "测试县退役军人服务中心" in done.text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12345", "手机号码应为11位，您填写的是 5 位"),
        ("12812345678", "这不是有效的手机号码"),
    ],
)
async def test_a_bad_phone_is_asked_again_helpfully(chat: Chat, typed: str, said: str) -> None:
    await walk(chat, 5)
    again = await chat.say(typed)
    assert said in again.text and "请输入您的手机号码" in again.text
    assert again.request_contact
    assert "您要办理哪一项" in (await chat.say(PHONE)).text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("4306261990010112", "身份证号码应为18位"),
        (ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"), "最后一位（校验码）对不上"),
        ("430626199002301234", "出生日期（第7到14位：19900230）不是有效的日期"),
        ("4306261990010112AB", "前17位都是数字"),
    ],
)
async def test_a_bad_id_number_is_asked_again_helpfully(chat: Chat, typed: str, said: str) -> None:
    await walk(chat, 4)
    again = await chat.say(typed)
    assert said in again.text and "请输入您的18位身份证号码" in again.text
    assert (await chat.state()).values["at"] == "id_number"


async def test_dates_are_checked_against_the_fields_range(chat: Chat) -> None:
    await chat.pick("request:callback")
    await chat.say("同意")
    await chat.say(PHONE)
    past = await chat.say("2026-09-17")  # `when` must be today or later
    assert "请填写今天或以后的日期" in past.text
    unreal = await chat.say("2026-02-30")
    assert "不是一个有效的日期" in unreal.text
    summary = await chat.say("10月8日")
    assert "方便接电话的日期：2026-10-08" in summary.text


async def test_a_station_field_and_a_date_in_the_past(chat: Chat) -> None:
    ask = await chat.pick("request:complaint")
    assert "您要投诉的是哪个服务站" in ask.text  # not personal: no consent asked yet
    assert "flow:request:s:tongshi" in payloads(ask)
    consent = await chat.pick("flow:request:s:wukou")
    assert "个人信息" in consent.text
    await chat.say("同意")
    assert "请填写今天或以前的日期" in (await chat.say("2026-12-01")).text
    summary = await chat.say("2001年12月1日")
    assert "被投诉的服务站：浯口镇退役军人服务站" in summary.text
    assert "退役日期：2001-12-01" in summary.text


async def test_choices_typed_out_or_picked(chat: Chat) -> None:
    await walk(chat, 6)
    assert "请从下面的选项中选择" in (await chat.say("别的")).text
    assert "还有什么要说明的吗" in (await chat.say("查询进度")).text


async def test_a_required_field_cannot_be_skipped(chat: Chat) -> None:
    await walk(chat, 3)
    reply = await chat.pick("flow:request:skip")
    assert "这一项是必填的" in reply.text and (await chat.state()).values["at"] == "name"


@pytest.mark.parametrize("steps", range(2, len(WALK) + 1))
async def test_going_back_from_every_step(chat: Chat, steps: int) -> None:
    """Back from step n shows step n-1's question again (from the first: see the next test)."""
    await walk(chat, steps)
    back = await chat.say("上一步")
    assert WALK[steps - 2][1] in back.text


async def test_back_all_the_way_by_button_ends_at_the_type_list(chat: Chat) -> None:
    await walk(chat)
    for _, expected in reversed(WALK[:-1]):
        assert expected in (await chat.pick("flow:request:back")).text
    first = await chat.pick("flow:request:back")
    assert "请选择您要办理的事项" in first.text and "request:callback" in payloads(first)
    assert (await chat.state()).flow is None


async def test_an_answer_given_before_is_shown_when_going_back(chat: Chat) -> None:
    await walk(chat, 6)
    back = await chat.say("返回")
    assert "请输入您的手机号码" in back.text and f"当前填写的是：{PHONE}" in back.text
    again = await chat.say("上一步")
    assert f"当前填写的是：{ID_MASKED}" in again.text


@pytest.mark.parametrize("steps", range(1, len(WALK) + 1))
@pytest.mark.parametrize("how", ["typed", "button"])
async def test_cancel_at_every_step_leaves_and_files_nothing(
    chat: Chat, database: Database, steps: int, how: str
) -> None:
    await walk(chat, steps)
    reply = await (chat.say("取消") if how == "typed" else chat.pick("flow:request:cancel"))
    assert reply.text.startswith("已取消。") and "menu" not in payloads(reply)
    state = await chat.state()
    assert (state.flow, state.values) == (None, {})
    assert await request_rows(database) == 0


async def test_refusing_the_privacy_notice_stores_nothing(chat: Chat, database: Database) -> None:
    await walk(chat, 2)
    refused = await chat.say("不同意")
    assert "您的信息没有被保存" in refused.text
    state = await chat.state()
    assert (state.flow, state.step, state.values) == (None, None, {})
    assert await request_rows(database) == 0


async def test_consent_needs_a_clear_yes(chat: Chat) -> None:
    await walk(chat, 2)
    unclear = await chat.say("这是干什么的")
    assert "请回复“同意”继续" in unclear.text and (await chat.state()).step == "consent"
    assert "请输入您的姓名" in (await chat.pick("flow:request:yes")).text


async def test_a_field_is_corrected_from_the_summary(chat: Chat) -> None:
    await walk(chat)
    which = await chat.say("修改")
    assert labels(which)[:5] == ["姓名", "身份证号码", "手机号码", "办理事项", "备注"]
    ask = await chat.pick("flow:request:f:phone")
    assert f"当前填写的是：{PHONE}" in ask.text
    summary = await chat.say("13700001111")  # straight back to the summary, not the next field
    assert "手机号码：13700001111" in summary.text and "请核对" in summary.text
    await chat.pick("flow:request:fix")
    back = await chat.pick("flow:request:back")  # back from the list: the summary again
    assert "请核对" in back.text
    await chat.pick("flow:request:fix")
    await chat.pick("flow:request:f:name")
    assert "请核对" in (await chat.say("上一步")).text  # leaving a correction unchanged
    await chat.pick("flow:request:submit")
    [request] = await filed(chat)
    assert request.answers["phone"] == "13700001111" and request.answers["name"] == "张三"


async def test_the_form_survives_a_restart_mid_way(
    chat: Chat, database: Database, knowledge: Knowledge, settings: Settings
) -> None:
    await walk(chat, 5)
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)
    restarted = Chat(engine)
    assert "您要办理哪一项" in (await restarted.say(PHONE)).text
    await restarted.say("1")
    await restarted.say("跳过")
    assert "PJ-" in (await restarted.say("确认")).text
    assert (await filed(restarted))[0].answers["name"] == "张三"


async def test_a_shared_telegram_contact_answers_the_phone(chat: Chat) -> None:
    await walk(chat, 5)
    own = Contact(phone="+86 139 1234 5678", user_id=chat.key.user_id)
    [reply] = await chat.engine.handle(Inbound(chat.key, "c1", contact=own))
    assert "您要办理哪一项" in reply.text
    assert (await chat.state()).values["answers"]["phone"] == PHONE


async def test_someone_elses_contact_is_not_taken(chat: Chat) -> None:
    await walk(chat, 5)
    card = Contact(phone="13700001111", user_id="somebody-else")
    [reply] = await chat.engine.handle(Inbound(chat.key, "c1", contact=card))
    assert "这不是有效的手机号码" in reply.text and (await chat.state()).values["at"] == "phone"


async def test_a_contact_where_no_phone_is_asked(chat: Chat) -> None:
    own = Contact(phone="13912345678", user_id=chat.key.user_id)
    [outside] = await chat.engine.handle(Inbound(chat.key, "c1", contact=own))
    assert "只能读懂文字消息" in outside.text
    await walk(chat, 3)
    [at_name] = await chat.engine.handle(Inbound(chat.key, "c2", contact=own))
    assert "请用文字回答这一项" in at_name.text


async def test_a_users_town_routes_without_asking(chat: Chat) -> None:
    await chat.pick("town")
    await chat.say("童市村")  # a village station: the town above it handles town-level matters
    consent = await chat.pick("request:preferential_card")
    assert "由童市镇退役军人服务站的工作人员查看" in consent.text


async def test_an_answer_offers_its_request_form(chat: Chat) -> None:
    answer = await chat.say("优待证怎么办理")
    assert "request:preferential_card" in payloads(answer)
    assert "需要知道您所在的乡镇" in (await chat.pick("request:preferential_card")).text


async def test_long_payloads_come_back_from_telegram_as_tokens(chat: Chat) -> None:
    await walk(chat, 1)
    token = button_data("flow:request:town:tongshi", limit=0)  # as if over 64 bytes
    assert "个人信息" in (await chat.pick(token)).text
    assert "这个选项已经失效了" in (await chat.pick("#unknowntoken")).text


async def test_the_menu_lists_every_request_type(chat: Chat) -> None:
    await chat.say("菜单")
    types = await chat.say("2")
    assert payloads(types) == [
        "request:preferential_card",
        "request:callback",
        "request:complaint",
        "menu",
    ]


async def test_the_form_in_english(chat: Chat) -> None:
    await chat.pick("lang:en")
    await chat.pick("request:callback")
    privacy = await chat.pick("flow:request:yes")
    assert "Please enter your mobile number" in privacy.text and "(question 1 of 2)" in privacy.text
    bad = await chat.say("12345")
    assert "A mobile number has 11 digits; you entered 5" in bad.text
    await chat.say(PHONE)
    summary = await chat.pick("flow:request:skip")
    assert "Day for the call: (not given)" in summary.text.replace("：", ": ")
    done = await chat.say("confirm")
    assert "Your tracking number is PJ-2026-000001" in done.text


async def test_a_form_edited_meanwhile_starts_again_politely(
    chat: Chat, database: Database
) -> None:
    await walk(chat, 4)
    async with database.transaction() as session:  # as if the field was renamed in the YAML
        conversations = Conversations(session)
        state = await conversations.open(*chat._parts())
        state.values = {**state.values, "at": "a_field_since_removed"}
        await conversations.save(state)
    reply = await chat.say("x")
    assert "表格刚刚更新了" in reply.text and (await chat.state()).flow is None


async def test_two_users_filing_at_once_get_different_numbers(engine: Engine) -> None:
    async def file(name: str) -> str:
        user = Chat(engine, name)
        await user.pick("request:callback")
        await user.say("同意")
        await user.say(PHONE)
        await user.say("跳过")
        return (await user.say("确认")).text

    texts = await asyncio.gather(*(file(f"u{n}") for n in range(6)))
    numbers = sorted(text.split("编号是 ")[1][:14] for text in texts)
    assert numbers == [f"PJ-2026-{n:06d}" for n in range(1, 7)]
