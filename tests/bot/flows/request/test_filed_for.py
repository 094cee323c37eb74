"""A request form filed for someone else (代办), through the real engine and by digits only: the
filer says so at the privacy consent, gives the relationship, the veteran's name, ID number
(checked, sealed and masked like the filer's own) and phone, and files it as the filer."""

from __future__ import annotations

from dataclasses import replace

from bot.config import Settings
from bot.conversation.types import Contact, Outbound
from bot.flows.request.proxy import ID_PURPOSE
from bot.privacy.sealing import data_key, is_sealed
from tests.bot.chatting import Chat, labels, payloads
from tests.bot.flows.dated import ID_MASKED, ID_NUMBER, PHONE
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
from tests.bot.flows.request.test_request_flow import filed

PROXY = "flow:request:proxy"


async def to_consent(chat: Chat) -> Outbound:
    """From the main menu to the privacy consent of the preferential-card form, typing digits."""
    menu = await chat.say("菜单")
    types = await choose(chat, menu, "request")
    town = await choose(chat, types, "request:preferential_card")
    return await choose(chat, town, "flow:request:town:tongshi")


async def to_filer(chat: Chat) -> Outbound:
    """Through the questions about the veteran (the filer is their child): the filer's own
    name is asked next."""
    consent = await to_consent(chat)
    relationship = await choose(chat, consent, PROXY)
    name = await choose(chat, relationship, "flow:request:c:1")  # 子女
    assert "请输入退役军人本人的姓名" in name.text
    assert "请输入退役军人本人的18位身份证号码" in (await chat.say(VETERAN_NAME)).text
    assert "请输入退役军人本人的手机号码" in (await chat.say(VETERAN_ID)).text
    return await chat.say(VETERAN_PHONE)


async def to_summary(chat: Chat) -> Outbound:
    own = await to_filer(chat)
    assert "以下请填写您（代办人）本人的信息" in own.text and "请输入您的姓名" in own.text
    await chat.say("张小明")
    await chat.say(ID_NUMBER)
    purpose = await chat.say(PHONE)
    last = await choose(chat, purpose, "flow:request:c:0")  # 首次申请
    return await choose(chat, last, "flow:request:skip")


async def test_the_consent_asks_whether_it_is_for_oneself_or_someone_else(chat: Chat) -> None:
    consent = await to_consent(chat)
    assert "征得退役军人本人同意" in consent.text  # the declaration, in the privacy notice
    assert labels(consent)[:3] == ["同意，为我自己办理", "同意，替家人或他人代办", "不同意"]
    assert payloads(consent)[:3] == ["flow:request:yes", PROXY, "flow:request:no"]
    relationship = await chat.say("2")
    assert "您是退役军人本人的什么人" in relationship.text
    assert labels(relationship)[:5] == ["配偶", "子女", "父母", "其他亲属", "村干部代办"]


async def test_a_request_is_filed_for_a_parent_by_digits_only(
    chat: Chat, settings: Settings
) -> None:
    summary = await to_summary(chat)
    assert f"代办：{FOR_FATHER}（代办关系：子女）" in summary.text
    assert f"退役军人身份证号码：{VETERAN_MASKED}" in summary.text  # masked like the filer's own
    assert f"身份证号码：{ID_MASKED}" in summary.text
    assert f"退役军人手机号码：{VETERAN_PHONE}" in summary.text  # whole, for the filer to check
    done = await choose(chat, summary, "flow:request:submit")
    assert f"这是{FOR_FATHER}的申请" in done.text
    number_in(done)

    [request] = await filed(chat)
    veteran = request.filed_for
    assert veteran is not None
    assert (veteran.relationship, veteran.kin, veteran.name) == ("child", "father", VETERAN_NAME)
    assert veteran.phone == VETERAN_PHONE and veteran.consented_at is not None
    key = data_key(settings)
    assert is_sealed(veteran.id_number) and key.open(veteran.id_number) == VETERAN_ID
    assert veteran.id_fingerprint == key.fingerprint(ID_PURPOSE, VETERAN_ID)
    assert request.answers["name"] == "张小明"  # the filer's own answers stay theirs
    assert key.open(request.answers["id_number"]) == ID_NUMBER


async def test_the_veterans_id_number_is_never_at_rest_in_the_clear(chat: Chat) -> None:
    await to_filer(chat)  # the ID number was typed; the form is still open
    assert VETERAN_ID not in str((await chat.state()).values)
    logged = [message.text for message in await chat.log()]
    assert all(VETERAN_ID not in text for text in logged)
    assert VETERAN_MASKED in logged  # what the log keeps of the answer


async def test_an_invalid_veteran_id_number_is_refused_politely(chat: Chat) -> None:
    consent = await to_consent(chat)
    relationship = await choose(chat, consent, PROXY)
    await choose(chat, relationship, "flow:request:c:2")  # 父母: the veteran is their son
    await chat.say(VETERAN_NAME)
    wrong = await chat.say(WRONG_CHECK)
    assert "校验码）对不上" in wrong.text and "请输入退役军人本人的18位身份证号码" in wrong.text
    short = await chat.say(VETERAN_ID[:15])
    assert "您输入的是 15 位" in short.text
    assert all(WRONG_CHECK not in message.text for message in await chat.log())
    assert "请输入退役军人本人的手机号码" in (await chat.say(VETERAN_ID)).text
    bad_phone = await chat.say("12345")
    assert "手机号码应为11位" in bad_phone.text and "退役军人本人的手机号码" in bad_phone.text


async def test_the_filers_my_requests_marks_what_they_filed_for_others(chat: Chat) -> None:
    await to_summary(chat)
    number = number_in(await chat.say("确认"))
    status = await chat.say("我的申请")
    [line] = [line for line in status.text.splitlines() if number in line]
    assert line.endswith(f"（{FOR_FATHER}）")


async def test_a_veterans_answer_can_be_corrected_from_the_summary(chat: Chat) -> None:
    summary = await to_summary(chat)
    which = await choose(chat, summary, "flow:request:fix")
    phone = await choose(chat, which, "flow:request:f:@for:phone")
    assert "退役军人本人的手机号码" in phone.text and VETERAN_PHONE in phone.text
    again = await chat.say("13700002222")
    assert "退役军人手机号码：13700002222" in again.text and "请核对" in again.text


async def test_going_back_to_the_consent_and_filing_for_oneself_forgets_the_veteran(
    chat: Chat,
) -> None:
    consent = await to_consent(chat)
    relationship = await choose(chat, consent, PROXY)
    back = await choose(chat, relationship, "flow:request:back")
    assert "您同意吗" in back.text
    name = await choose(chat, back, "flow:request:yes")
    assert "请输入您的姓名" in name.text and "代办人" not in name.text
    assert "behalf" not in (await chat.state()).values


async def test_filing_for_oneself_stores_no_veteran(chat: Chat) -> None:
    consent = await to_consent(chat)
    await choose(chat, consent, "flow:request:yes")
    for typed in ("张三", ID_NUMBER, PHONE, "1"):
        await chat.say(typed)
    summary = await chat.say("跳过")
    assert "代办" not in summary.text and "请核对" in summary.text
    await chat.say("确认")
    [request] = await filed(chat)
    assert request.filed_for is None


async def test_filing_for_someone_else_reads_in_english(chat: Chat) -> None:
    await chat.pick("lang:en")
    consent = await to_consent(chat)
    assert labels(consent)[:2] == [
        "Agree, for myself",
        "Agree, on behalf of a family member or someone else",
    ]
    assert "the veteran has agreed" in consent.text
    relationship = await choose(chat, consent, PROXY)
    await choose(chat, relationship, "flow:request:c:0")  # the veteran's spouse: her husband
    await chat.say(VETERAN_NAME)
    await chat.say(VETERAN_ID)
    own = await chat.say(VETERAN_PHONE)
    assert "about you, the person filing" in own.text
    for typed in ("Zhang Xiaoming", ID_NUMBER, PHONE, "1"):
        await chat.say(typed)
    summary = await chat.say("skip")
    assert f"On behalf: for husband {VETERAN_NAME} (acting as: Spouse)" in summary.text
    assert f"Veteran's ID number：{VETERAN_MASKED}" in summary.text  # as Shown.lines writes it


async def test_the_filers_own_shared_contact_is_not_taken_as_the_veterans_phone(
    chat: Chat,
) -> None:
    consent = await to_consent(chat)
    relationship = await choose(chat, consent, PROXY)
    await choose(chat, relationship, "flow:request:c:1")
    await chat.say(VETERAN_NAME)
    asked = await chat.say(VETERAN_ID)
    assert not asked.request_contact  # no "send my number" button for someone else's phone
    own = Contact(phone=PHONE, user_id=chat.key.user_id)
    [refused] = await chat.engine.handle(replace(chat.inbound(), contact=own))
    assert "这不是有效的手机号码" in refused.text and "退役军人本人的手机号码" in refused.text
    assert (await chat.state()).values["behalf"]["phone"] == ""
