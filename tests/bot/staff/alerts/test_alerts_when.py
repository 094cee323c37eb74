"""When staff hear of a ticket: an urgent one at once at any hour, a normal one at night in the
morning digest, the escalation warning once, a ticket moved up, a veteran writing again; each
alert once however many processes scan, and through the outbox to a fake WeCom robot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.conversation.engine import Engine
from bot.outbox.worker import OutboxWorker
from bot.staff import escalation
from bot.staff.alerts.scan import scan
from bot.staff.desk import Desk
from storage.database import Database
from tests.bot.staff.alerts.conftest import PUBLIC
from tests.bot.staff.alerts.wecom_fake import KEY, OTHER_KEY, FakeWeComRobots
from tests.bot.staff.staffing import MONDAY_10, Clock, Veteran

MONDAY_9 = MONDAY_10.replace(hour=1)  # the working day opens: its digest round, quiet so far
MONDAY_23 = datetime(2025, 12, 1, 15, 0, tzinfo=UTC)  # 23:00 in the county
TUESDAY_9 = datetime(2025, 12, 2, 1, 0, tzinfo=UTC)  # 09:00, the next working day opens


async def at_tongshi(engine: Engine, clock: Clock, words: str = "转人工") -> Veteran:
    veteran = Veteran(engine, clock)
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    await veteran.say(words)
    return veteran


async def sent(database: Database, desk: Desk, worker: OutboxWorker, now: datetime) -> int:
    """Scan at `now` and deliver what it queued; the number queued."""
    queued = await scan(database, desk, now)
    await worker.deliver_due()
    return queued


async def test_an_urgent_ticket_at_night_alerts_at_once(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_23)
    await at_tongshi(engine, clock, "我不想活了")  # distress: urgent, to the county

    assert await sent(engine.database, desk, worker, clock.now) == 1

    [alert] = robots.texts(KEY)
    assert alert.startswith("【紧急】T-000001 · ")
    assert f"{PUBLIC}/staff/tickets/1" in alert and "已等待 0 分钟" in alert
    assert robots.texts(OTHER_KEY) == []  # Tongshi's robot: the ticket is the county's


async def test_a_normal_ticket_at_night_waits_for_the_morning_digest(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_23)
    await at_tongshi(engine, clock)

    assert await sent(engine.database, desk, worker, clock.now) == 0
    assert await sent(engine.database, desk, worker, TUESDAY_9.replace(hour=0)) == 0  # 08:00
    assert await sent(engine.database, desk, worker, TUESDAY_9) == 1

    [digest] = robots.texts(OTHER_KEY)
    assert digest.startswith("【今日概况】")
    assert "12月2日" in digest and "等待认领：1 件（其中超时 0 件）" in digest
    assert "· T-000001，已等待 10 小时 0 分钟" in digest and f"{PUBLIC}/staff" in digest
    assert robots.texts(KEY) == []  # nothing waits at the county: no digest to send
    # Once a day: the next rounds send nothing more.
    assert await sent(engine.database, desk, worker, TUESDAY_9.replace(minute=30)) == 0


async def test_the_escalation_warning_comes_once_then_the_county_hears_of_the_move(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_10)
    assert await sent(engine.database, desk, worker, MONDAY_9) == 0
    await at_tongshi(engine, clock)  # deadline: 8 working hours, Tuesday 10:00
    assert await sent(engine.database, desk, worker, clock.now) == 1
    assert robots.texts(OTHER_KEY)[0].startswith("【新工单】T-000001 · ")

    assert await sent(engine.database, desk, worker, MONDAY_10.replace(hour=7, minute=59)) == 0
    assert await sent(engine.database, desk, worker, MONDAY_10.replace(hour=8)) == 1  # 16:00
    assert await sent(engine.database, desk, worker, MONDAY_10.replace(hour=8, minute=30)) == 0
    assert await sent(engine.database, desk, worker, TUESDAY_9.replace(minute=30)) == 1  # digest

    warnings = [t for t in robots.texts(OTHER_KEY) if t.startswith("【即将转上一级】")]
    assert len(warnings) == 1
    assert "已等待 6 小时 0 分钟" in warnings[0] and "再过 2 小时 0 分钟" in warnings[0]

    tuesday_10 = TUESDAY_9.replace(hour=2)
    assert await escalation.escalate_due(engine.database, desk, tuesday_10) == 1
    assert await sent(engine.database, desk, worker, tuesday_10) == 1
    [moved] = robots.texts(KEY)
    assert moved.startswith("【下级转来】T-000001 · ") and "已等待 24 小时 0 分钟" in moved


async def test_a_veterans_new_message_on_an_unclaimed_ticket_is_told_once_a_quarter_hour(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_10)
    assert await sent(engine.database, desk, worker, MONDAY_9) == 0
    veteran = await at_tongshi(engine, clock)
    await sent(engine.database, desk, worker, clock.now)
    clock.advance(minutes=5)
    await veteran.say("还有一件事想问")
    clock.advance(minutes=1)
    await veteran.say("麻烦尽快")

    assert await sent(engine.database, desk, worker, clock.now) == 1
    assert await sent(engine.database, desk, worker, clock.advance(minutes=1)) == 0

    said = [t for t in robots.texts(OTHER_KEY) if t.startswith("【新消息】")]
    assert len(said) == 1 and "已等待 6 分钟" in said[0]
    assert "还有一件事" not in said[0] and "尽快" not in said[0]


async def test_two_processes_scanning_at_once_send_each_alert_once(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_23)
    await at_tongshi(engine, clock, "我不想活了")
    url = engine.database.url.render_as_string(hide_password=False)
    other = Database(url, search_path=engine.database.search_path)  # a second process
    try:
        counts = await asyncio.gather(
            scan(engine.database, desk, clock.now), scan(other, desk, clock.now)
        )
    finally:
        await other.dispose()
    await worker.deliver_due()

    assert sorted(counts) == [0, 1]
    assert len(robots.texts(KEY)) == 1


async def test_a_station_without_a_robot_or_chat_gets_nothing_and_nothing_breaks(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    veteran = Veteran(engine, Clock(MONDAY_10))
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:wukou")
    await veteran.say("转人工")

    assert await sent(engine.database, desk, worker, MONDAY_10) == 0
    assert robots.posts == []
