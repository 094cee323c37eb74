"""The guide flow on the real engine: how it is reached, going back, cancelling, typed answers,
a question asked in between, the outcome's request form filled in, and what staff read."""

from __future__ import annotations

from bot.conversation.engine import Engine
from bot.conversation.types import Outbound
from storage.repositories.conversations import Conversations
from storage.repositories.requests import Filed, Requests
from storage.repositories.transcript import Transcript
from tests.bot.chatting import Chat, labels, payloads
from tests.bot.flows.dated import ID_NUMBER, PHONE

GUIDANCE_ONLY = "仅供参考，以退役军人事务部门审核认定为准"


def option(reply: Outbound, label: str) -> str:
    """The payload of the option labelled `label`."""
    return next(o.payload for o in reply.options if o.label == label)


async def filed(chat: Chat) -> list[Filed]:
    user_id = (await chat.state()).user_id
    async with chat.engine.database.transaction() as session:
        return await Requests(session).of_user(user_id)


async def test_asking_whether_i_can_get_a_job_starts_the_guide(chat: Chat) -> None:
    reply = await chat.say("我能不能安排工作")
    assert "【我能不能由政府安排工作】第 1 题" in reply.text
    assert labels(reply)[:3] == ["军士（士官）", "义务兵", "军官"]
    assert (await chat.state()).flow == "guide"


async def test_asking_whether_the_family_gets_a_plaque_starts_its_guide(chat: Chat) -> None:
    reply = await chat.say("我家能挂光荣牌吗")
    assert "【我家能不能挂光荣牌】第 1 题" in reply.text


async def test_am_i_eligible_without_a_topic_lists_the_guides(chat: Chat) -> None:
    reply = await chat.say("我符合条件吗")
    assert "guide:assigned_job" in payloads(reply) and "guide:glory_plaque" in payloads(reply)
    reply = await chat.say("1")
    assert "【我能不能由政府安排工作】第 1 题" in reply.text


async def test_a_policy_answer_offers_its_guide(chat: Chat) -> None:
    reply = await chat.say("光荣牌怎么挂")
    assert "光荣牌悬挂" in reply.text
    reply = await chat.pick(option(reply, "看看我符不符合条件"))
    assert "【我家能不能挂光荣牌】第 1 题" in reply.text


async def test_back_returns_to_the_question_before_with_its_answer(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    await chat.say("1")  # 军士
    reply = await chat.say("上一步")
    assert "第 1 题" in reply.text and "上次的回答：军士（士官）" in reply.text
    reply = await chat.say("2")  # 义务兵 now: the honours question, not the years
    assert "您个人获得过下面哪一项" in reply.text
    reply = await chat.pick(option(reply, "上一步"))
    assert "第 1 题" in reply.text and "上次的回答：义务兵" in reply.text
    reply = await chat.say("上一步")  # before the first question: the main menu
    assert "请回复数字选择" in reply.text and (await chat.state()).flow is None


async def test_back_from_an_outcome_changes_the_last_answer(chat: Chat) -> None:
    await chat.pick("guide:family_allowance")
    await chat.say("1")  # 义务兵
    reply = await chat.say("2")  # 其他县
    assert "请问那个县" in reply.text
    reply = await chat.say(str(labels(reply).index("上一步（修改回答）") + 1))
    assert "是在哪里批准入伍的" in reply.text
    reply = await chat.say("1")  # 平江县
    assert "由平江县人民政府发放" in reply.text and GUIDANCE_ONLY in reply.text


async def test_cancel_leaves_the_guide(chat: Chat) -> None:
    await chat.pick("guide:disability")
    await chat.say("1")
    reply = await chat.say("取消")
    assert "已取消" in reply.text
    assert (await chat.state()).flow is None
    await chat.pick("guide:disability")
    reply = await chat.pick(option(await chat.say("1"), "取消"))
    assert "已取消" in reply.text and (await chat.state()).flow is None


async def test_years_may_be_written_instead_of_picked(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    await chat.say("1")
    reply = await chat.say("12")  # more than the options offered: the years, not an option
    assert "开除党籍" in reply.text
    reply = await chat.say("没有")
    assert "服现役年限：12年" in reply.text and "可能符合" in reply.text


async def test_years_in_chinese_numerals(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    await chat.say("1")
    reply = await chat.say("服役八年")
    assert "您个人获得过下面哪一项" in reply.text


async def test_a_grade_outside_every_range_is_asked_again(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    await chat.say("2")  # 义务兵
    await chat.say("4")  # none of the honours
    await chat.say("是")  # disabled in combat
    reply = await chat.say("11级")
    assert "不在可选的范围里" in reply.text and "评定的残疾等级是几级" in reply.text
    reply = await chat.say("六级")
    assert "开除党籍" in reply.text


async def test_a_date_decides_the_reporting_deadline(chat: Chat) -> None:
    # The flow tests live on 2026-09-18.
    await chat.pick("guide:report")
    await chat.say("1")  # 自主就业
    reply = await chat.say("2026年10月1日")
    assert "这个日期还没到" in reply.text
    reply = await chat.say("2026年9月1日")
    assert "还在报到期限内" in reply.text
    assert "批准退出现役的日期：2026-09-01" in reply.text
    await chat.say("上一步")
    reply = await chat.say("2026-07-01")
    assert "已经超过规定报到时间30日以上" in reply.text


async def test_an_answer_written_in_words(chat: Chat) -> None:
    await chat.pick("guide:combat_nuclear")
    reply = await chat.say("参加过核试验")
    assert "您问的是谁" in reply.text
    reply = await chat.say("看不懂")
    assert "没看懂您的选择" in reply.text and "您问的是谁" in reply.text


async def test_a_question_in_between_is_answered_and_the_guide_waits(chat: Chat) -> None:
    await chat.pick("guide:preferential_card")
    reply = await chat.say("光荣牌怎么挂？")
    assert "光荣牌悬挂" in reply.text and "继续填写" in labels(reply)
    reply = await chat.pick(option(reply, "继续填写"))
    assert "要办证的人是哪一类" in reply.text


async def test_a_question_after_the_outcome_is_answered_as_usual(chat: Chat) -> None:
    await chat.pick("guide:family_allowance")
    await chat.say("3")  # 已经退役
    reply = await chat.say("光荣牌怎么挂")
    assert "光荣牌悬挂" in reply.text and "继续填写" not in labels(reply)
    assert (await chat.state()).flow is None


async def test_the_outcome_starts_its_form_with_the_choice_filled_in(chat: Chat) -> None:
    await chat.pick("guide:preferential_card")
    await chat.say("1")  # a veteran
    reply = await chat.say("2")  # no card yet
    assert "可以申请退役军人优待证" in reply.text
    reply = await chat.say(str(labels(reply).index("优待证申请或查询") + 1))
    assert (await chat.state()).flow == "request"
    for message in ("童市", "同意", "张三", ID_NUMBER, PHONE):
        reply = await chat.say(message)
    assert "您要办理哪一项" in reply.text and "首次申请" in reply.text  # the current value
    reply = await chat.say("保持不变")
    assert "办理事项：首次申请" in reply.text
    await chat.say("确认")
    [request] = await filed(chat)
    assert (request.type_id, request.answers["purpose"]) == ("preferential_card", "0")


async def test_the_outcome_starts_a_call_back_with_the_topic_written_in(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    for digit in ("1", "2", "2"):  # 军士, 12 years or more, not excluded
        reply = await chat.say(digit)
    reply = await chat.pick(option(reply, "请工作人员回电"))
    for message in ("童市", "同意", PHONE):
        reply = await chat.say(message)
    assert "安排工作条件（向导：可能符合）" in reply.text
    for message in ("保持不变", "跳过", "确认"):
        reply = await chat.say(message)
    [request] = await filed(chat)
    assert request.answers["topic"] == "安排工作条件（向导：可能符合）"


async def test_staff_taking_over_read_the_answers(chat: Chat) -> None:
    await chat.pick("guide:disability")
    for digit in ("1", "1", "2", "2"):  # discharged, combat, not graded, no records
        reply = await chat.say(digit)
    assert "补办评残要凭原始档案记载" in reply.text
    await chat.pick(option(reply, "联系工作人员"))  # a person takes over from the outcome
    state = await chat.state()
    async with chat.engine.database.transaction() as session:
        assert await Conversations(session).find(*chat._parts()) == state.id
        logged = [m.text for _, m in await Transcript(session).messages(state.id)]
    outcome = next(text for text in logged if "【退役后评残还是补办评残】结果" in text)
    assert (
        "2. 致残原因：因战（作战负伤）" in outcome and "4. 是否有档案或原始病历证明：否" in outcome
    )
    assert GUIDANCE_ONLY in outcome


async def test_english_outcomes_carry_both_guidance_sentences(chat: Chat) -> None:
    await chat.pick("lang:en")
    await chat.pick("guide:family_allowance")
    reply = await chat.say("1")
    assert "Where was the enlistment approved?" in reply.text
    reply = await chat.say("1")
    assert "For reference only" in reply.text and GUIDANCE_ONLY in reply.text
    assert "Your answers:" in reply.text and "Pingjiang County" in reply.text


async def test_a_stale_guide_button_goes_to_the_menu(engine: Engine) -> None:
    chat = Chat(engine)
    reply = await chat.pick("guide:no_such_guide")
    assert "这个问答已经更新或停用了" in reply.text and (await chat.state()).flow is None


async def test_a_small_number_past_the_ranges_is_the_value_not_back(chat: Chat) -> None:
    await chat.pick("guide:assigned_job")
    reply = await chat.say("1")  # 军士: the years, two ranges numbered and nothing else
    assert labels(reply) == ["不满12年", "满12年及以上"]
    reply = await chat.say("3")  # three years: not an option's number
    assert "您个人获得过下面哪一项" in reply.text
    await chat.say("上一步")
    reply = await chat.say("上一步")  # typed words still go back
    assert "第 1 题" in reply.text
