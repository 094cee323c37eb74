"""How alerts leave: through the outbox to WeCom robots within their 20 messages a minute, a
failing robot shown for /healthz and the console, and nothing in any alert that exposes a
veteran (no ID number, no phone, none of their words)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge
from bot.conversation.types import ConversationKey, Outbound
from bot.coordination.local import LocalSlots
from bot.outbox.notify import queue
from bot.outbox.worker import OutboxWorker
from bot.staff import escalation
from bot.staff.alerts import health
from bot.staff.alerts.scan import scan
from bot.staff.alerts.targets import GROUP, WECOM
from bot.staff.alerts.wecom import WeComSender
from bot.staff.desk import Desk
from storage.database import Database
from storage.models import OutboxMessage
from storage.models.base import utcnow
from tests.bot.staff.alerts.test_alerts_when import MONDAY_9, TUESDAY_9
from tests.bot.staff.alerts.wecom_fake import KEY, OTHER_KEY, FakeWeComRobots
from tests.bot.staff.staffing import MONDAY_10, Clock, Veteran, add_staff

ID_NUMBER = "430626196501011234"
PHONE = "13800138000"
OTHER_PHONE = "13900139000"
WORDS = ("家里出了事", "房子漏雨", "身份证", "电话")


async def test_no_alert_carries_an_id_number_a_phone_or_the_veterans_words(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    clock = Clock(MONDAY_10)
    await scan(engine.database, desk, MONDAY_9)
    veteran = Veteran(engine, clock)
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    await veteran.say(f"转人工，家里出了事，我的身份证号是{ID_NUMBER}，电话{PHONE}")
    for now in (clock.now, clock.advance(minutes=5)):  # the new ticket, then a new message
        await veteran.say(f"房子漏雨了，打我电话 {OTHER_PHONE}")
        await scan(engine.database, desk, now)
    await scan(engine.database, desk, MONDAY_10.replace(hour=8))  # the warning
    await scan(engine.database, desk, TUESDAY_9)  # the digest
    tuesday_10 = TUESDAY_9.replace(hour=2)
    await escalation.escalate_due(engine.database, desk, tuesday_10)
    await scan(engine.database, desk, tuesday_10)  # at the county: moved up
    await worker.deliver_due()

    bodies = [body["text"]["content"] for _, body in robots.posts]
    kinds = {body.split("】")[0] for body in bodies}
    assert kinds == {"【新工单", "【新消息", "【即将转上一级", "【今日概况", "【下级转来"}
    for body in bodies:
        assert re.search(r"\d{7,}", body) is None, body  # no ID number, phone, nor part of one
        assert not any(word in body for word in WORDS), body


async def test_a_robot_gets_at_most_twenty_a_minute_and_the_rest_later(
    database: Database, settings: Settings, knowledge: Knowledge, robots: FakeWeComRobots
) -> None:
    sender = WeComSender(settings, lambda: knowledge.kb, slots=LocalSlots(clock=lambda: 0.0))
    worker = OutboxWorker(database, {sender.channel: sender}, batch=50)
    async with database.transaction() as session:
        for n in range(21):
            await queue(session, ConversationKey(WECOM, "county", GROUP), [Outbound(f"提醒 {n}")])
    try:
        await worker.deliver_due()
    finally:
        await sender.close()

    assert robots.texts(KEY) == [f"提醒 {n}" for n in range(20)]
    async with database.transaction() as session:
        [waiting] = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))
        )
    assert waiting.payload[0]["text"] == "提醒 20" and "20 messages a minute" in (
        waiting.last_error or ""
    )
    assert waiting.next_attempt_at is not None
    wait = waiting.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)  # the robot's next minute


async def test_a_failing_robot_is_named_for_health_and_for_the_console(
    engine: Engine, desk: Desk, worker: OutboxWorker, robots: FakeWeComRobots
) -> None:
    robots.errors[OTHER_KEY] = 93000  # the robot was removed from Tongshi's group
    clock = Clock(MONDAY_10)
    await scan(engine.database, desk, MONDAY_9)
    veteran = Veteran(engine, clock)
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    await veteran.say("转人工")
    await scan(engine.database, desk, clock.now)
    await worker.deliver_due()

    clerk = await add_staff(engine.database, "wang", "tongshi")
    wukou = await add_staff(engine.database, "zhao", "wukou")
    async with engine.database.transaction() as session:
        [failing] = await health.failing(session, desk.kb, desk.settings, utcnow())
        seen = await health.overview(session, desk, clerk, "zh", utcnow())
        unseen = await health.overview(session, desk, wukou, "zh", utcnow())
    assert (failing.channel, failing.stations) == (WECOM, ("tongshi",))
    assert "93000" in failing.error and OTHER_KEY not in failing.error  # the key stays secret
    assert seen["failing"] == [
        {
            "channel": WECOM,
            "stations": ["童市镇退役军人服务站"],
            "error": failing.error,
            "since": failing.since.isoformat(timespec="seconds"),
        }
    ]
    assert unseen["failing"] == []  # Wukou's staff do not see Tongshi's robot

    robots.errors.clear()  # fixed: the next alert goes through, and the failure is history
    clock.advance(minutes=5)
    await veteran.say("还在吗")
    await scan(engine.database, desk, clock.now)
    await worker.deliver_due()
    async with engine.database.transaction() as session:
        assert await health.failing(session, desk.kb, desk.settings, utcnow()) == []
