"""Issue #17: a flow lets go of a message that is no answer to its step (a question, a sentence,
another topic), answers it and offers to go on; dates named from today; going back to an ID
number keeps it."""

from __future__ import annotations

from bot.config import Settings
from bot.privacy.sealing import data_key
from tests.bot.chatting import Chat, payloads
from tests.bot.flows.booking.test_booking_flow import walk as book
from tests.bot.flows.dated import ID_MASKED, ID_NUMBER, PHONE
from tests.bot.flows.request.test_request_flow import filed, walk

RESUME = "flow:request:resume"


async def test_a_question_at_the_town_step_is_answered_not_refused(chat: Chat) -> None:
    await walk(chat, 1)  # the preferential card form asks for the town
    reply = await chat.say("优待证怎么办理？")
    assert "没有找到这个乡镇" not in reply.text
    assert "暂停" in reply.text and "到乡镇服务站申请优待证" in reply.text
    assert payloads(reply)[0] == RESUME and payloads(reply)[-1] == "flow:request:cancel"
    state = await chat.state()
    assert (state.flow, state.step) == ("request", "town")  # the step waits
    again = await chat.pick(RESUME)
    assert "需要知道您所在的乡镇" in again.text
    assert "个人信息" in (await chat.say("童市")).text  # and takes its answer as before


async def test_a_sentence_typed_into_the_id_number_field_is_not_counted(chat: Chat) -> None:
    await walk(chat, 4)  # asking for the ID number
    reply = await chat.say("我不知道身份证号码在哪里看")
    assert "位" not in reply.text and "暂停" in reply.text
    assert RESUME in payloads(reply)
    assert (await chat.state()).step == "field"
    again = await chat.say("继续填写")
    assert "请输入您的18位身份证号码" in again.text
    assert "请输入您的手机号码" in (await chat.say(ID_NUMBER)).text


async def test_a_wrong_answer_is_still_asked_again(chat: Chat) -> None:
    await walk(chat, 4)
    reply = await chat.say("4306261990")
    assert "您输入的是 10 位" in reply.text and "暂停" not in reply.text


async def test_a_question_at_the_day_step_is_answered(chat: Chat) -> None:
    await book(chat, 3)
    reply = await chat.say("优待证在哪里办？")
    assert "暂停" in reply.text and (await chat.state()).step == "day"
    assert "flow:booking:resume" in payloads(reply)


async def test_days_are_named_from_today(chat: Chat) -> None:
    await book(chat, 3)  # today is Friday 2026-09-18
    reply = await chat.say("下周一")
    assert "请选择时段" in reply.text and "2026年9月21日（周一）" in reply.text


async def test_back_to_the_id_number_keeps_it_unless_retyped(
    chat: Chat, settings: Settings
) -> None:
    await walk(chat, 5)  # the ID number given, the phone asked
    back = await chat.say("上一步")
    assert f"当前填写的是：{ID_MASKED}" in back.text
    assert "flow:request:keep" in payloads(back)
    assert "请输入您的手机号码" in (await chat.say("保持不变")).text
    await chat.say(PHONE)
    await chat.pick("flow:request:c:0")
    await chat.say("跳过")
    await chat.say("确认")
    [request] = await filed(chat)
    assert data_key(settings).open(request.answers["id_number"]) == ID_NUMBER
