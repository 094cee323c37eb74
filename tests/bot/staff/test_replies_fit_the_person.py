"""Issue #17: anger is not danger, self-harm gets the crisis line at any hour, a call-back is
not promised without a number, and a burst of messages to a live staff member is acknowledged
once."""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.staff import tickets as work
from bot.staff.desk import Desk
from storage.database import Database
from tests.bot.staff.staffing import SUNDAY_10, Clock, Veteran, handed_over, open_ticket
from tests.paths import FIXTURE_KB

DANGER = "请立即拨打 110"


async def test_anger_gets_an_apology_not_the_emergency_numbers(
    engine: Engine, clock: Clock
) -> None:
    [reply] = await Veteran(engine, clock).say("气死我了")
    assert DANGER not in reply.text and "12356" not in reply.text
    assert reply.text.startswith("非常抱歉") and "编号 T-000001" in reply.text
    assert "前" in reply.text  # by when staff answer
    assert (await open_ticket(engine.database, 1)).reason == "anger"


async def test_anger_off_duty_gets_no_emergency_numbers(engine: Engine, clock: Clock) -> None:
    clock.now = SUNDAY_10
    [reply] = await Veteran(engine, clock).say("你们这些当官的啥都不管")
    assert "110" not in reply.text and "非常抱歉" in reply.text


async def test_a_threat_gets_the_emergency_numbers(engine: Engine, clock: Clock) -> None:
    [reply] = await Veteran(engine, clock).say("我要杀了他")
    assert reply.text.startswith("如果您或身边的人现在有危险，请立即拨打 110")
    assert "12356" not in reply.text


async def test_a_plain_request_for_a_person_is_never_urgent(engine: Engine, clock: Clock) -> None:
    [reply] = await Veteran(engine, clock).say("转人工")
    assert DANGER not in reply.text
    assert not (await open_ticket(engine.database, 1)).urgent


async def test_self_harm_gets_the_national_hotline_at_any_hour(
    database: Database, knowledge: Knowledge, clock: Clock
) -> None:
    settings = Settings(policies_dir=FIXTURE_KB, crisis_contact="")  # no local line set
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)
    clock.now = SUNDAY_10
    [reply] = await Veteran(engine, clock).say("我不想活了")
    assert DANGER in reply.text and "全国心理援助热线 12356" in reply.text


async def test_off_duty_no_call_back_is_promised_without_a_number(
    engine: Engine, clock: Clock
) -> None:
    clock.now = SUNDAY_10
    [reply] = await Veteran(engine, clock).say("转人工")
    assert "给您回电" not in reply.text and "留下手机号码" in reply.text


async def test_a_burst_to_a_live_staff_member_is_acknowledged_once(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran, staff = await handed_over(engine, clock)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.advance(minutes=5)).claim(1)
    [first] = await veteran.say("在吗")
    assert first.text == "已转给工作人员。"
    clock.advance(minutes=1)
    assert await veteran.say("我的补助没到账") == []
    clock.advance(minutes=3)
    [again] = await veteran.say("还在吗")
    assert again.text == "已转给工作人员。"
