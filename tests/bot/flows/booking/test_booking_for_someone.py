"""Booking a visit for someone else (代办), through the real engine and by digits only: the
service question offers it, the privacy consent declares the veteran agreed, the veteran's
relationship, name, ID number and phone are asked as in a form, and the visit is the filer's to
cancel or move, marked in their "我的预约". Today is Friday 2026-09-18 (tests/bot/flows)."""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.types import Outbound
from bot.privacy.sealing import data_key
from tests.bot.chatting import Chat, labels, payloads
from tests.bot.flows.booking.test_booking_flow import visits
from tests.bot.flows.request.behalf import (
    FOR_FATHER,
    VETERAN_ID,
    VETERAN_MASKED,
    VETERAN_NAME,
    VETERAN_PHONE,
    WRONG_CHECK,
    choose,
    number_in,
)

PROXY = "flow:booking:proxy"


async def to_veteran(chat: Chat) -> Outbound:
    """From the main menu to the question of the veteran's name, by digits."""
    services = await choose(chat, await chat.say("菜单"), "booking")
    assert labels(services)[:4] == ["优待证", "伤残评定", "光荣牌", "替家人或他人代办预约"]
    consent = await choose(chat, services, PROXY)
    assert "征得退役军人本人同意" in consent.text and "您同意吗" in consent.text
    relationship = await choose(chat, consent, "flow:booking:yes")
    assert labels(relationship)[:5] == ["配偶", "子女", "父母", "其他亲属", "村干部代办"]
    return await choose(chat, relationship, "flow:booking:c:1")  # 子女


async def to_summary(chat: Chat) -> Outbound:
    await to_veteran(chat)
    await chat.say(VETERAN_NAME)
    await chat.say(VETERAN_ID)
    services = await chat.say(VETERAN_PHONE)
    assert f"现在为{FOR_FATHER}预约" in services.text
    assert PROXY not in payloads(services)
    days = await choose(chat, services, "flow:booking:v:光荣牌")  # only Tongshi: no station asked
    slots = await choose(chat, days, "flow:booking:d:2026-09-21")
    return await choose(chat, slots, "flow:booking:sl:上午")


async def book_for_father(chat: Chat) -> str:
    """Book a glory-plaque visit at Tongshi for the filer's father; its number."""
    summary = await to_summary(chat)
    return number_in(await choose(chat, summary, "flow:booking:confirm"))


async def test_a_visit_is_booked_for_a_parent_by_digits_only(
    chat: Chat, settings: Settings
) -> None:
    summary = await to_summary(chat)
    assert f"代办：{FOR_FATHER}（代办关系：子女）" in summary.text
    assert f"退役军人身份证号码：{VETERAN_MASKED}" in summary.text
    done = await choose(chat, summary, "flow:booking:confirm")
    number = number_in(done)
    assert done.text.splitlines()[:2] == [
        f"预约成功！您的预约号是 {number}，"
        "请于2026年9月21日（周一） 上午到童市镇退役军人服务站办理光荣牌。",
        f"这是{FOR_FATHER}的预约，提醒和通知会发给您。",
    ]
    [visit] = await visits(chat)  # the filer's own visit: theirs to cancel or move
    veteran = visit.filed_for
    assert veteran is not None and (veteran.relationship, veteran.kin) == ("child", "father")
    assert (veteran.name, veteran.phone) == (VETERAN_NAME, VETERAN_PHONE)
    assert data_key(settings).open(veteran.id_number) == VETERAN_ID
    assert all(VETERAN_ID not in message.text for message in await chat.log())

    status = await chat.say("我的预约")
    [line] = [line for line in status.text.splitlines() if number in line]
    assert line.endswith(f"（{FOR_FATHER}）")
    assert f"booking:cancel:{number}" in payloads(status)


async def test_an_invalid_veteran_id_number_is_asked_again(chat: Chat) -> None:
    await to_veteran(chat)
    await chat.say(VETERAN_NAME)
    wrong = await chat.say(WRONG_CHECK)
    assert "校验码）对不上" in wrong.text and "请输入退役军人本人的18位身份证号码" in wrong.text
    assert (await chat.state()).step == "behalf"


async def test_back_walks_the_questions_about_the_veteran_and_refusing_books_for_oneself(
    chat: Chat,
) -> None:
    name = await to_veteran(chat)
    relationship = await choose(chat, name, "flow:booking:back")
    assert (
        "您是退役军人本人的什么人" in relationship.text
        and "当前填写的是：子女" in relationship.text
    )
    consent = await choose(chat, relationship, "flow:booking:back")
    services = await choose(chat, consent, "flow:booking:no")
    assert PROXY in payloads(services) and "现在为" not in services.text
    assert (await chat.state()).values.get("behalf") == {}


async def test_booking_for_oneself_stores_no_veteran(chat: Chat) -> None:
    services = await choose(chat, await chat.say("菜单"), "booking")
    days = await choose(chat, services, "flow:booking:v:光荣牌")  # only Tongshi: no station asked
    slots = await choose(chat, days, "flow:booking:d:2026-09-21")
    summary = await choose(chat, slots, "flow:booking:sl:上午")
    assert "代办" not in summary.text
    number_in(await choose(chat, summary, "flow:booking:confirm"))
    [visit] = await visits(chat)
    assert visit.filed_for is None
