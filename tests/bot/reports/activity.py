"""A month of varied activity through the real engine, and what a report of it must say,
counted here as it happens (from what the engine answered and what the test did), never by
the report's own queries.

Questions on three channels (answered, clarified, declined, not understood, handed off,
urgent), preferential-card requests filed at 童市 and moved on by staff, visits booked at 童市
and ended, and tickets: one from a village that nobody claimed in time (escalated to the town,
then answered there), one at the county answered and resolved, one urgent left waiting; two
ratings. Tickets are opened, answered and resolved at set county times on the month's first
two working days, so their working hours are known in advance.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from bot.calendar.workdays import COUNTY_TIME, is_working_day
from bot.casework.bookings import end_booking
from bot.casework.requests import change_request_state
from bot.conversation.engine import Engine
from bot.conversation.types import ConversationKey, Inbound, Outbound
from bot.messages import catalogue
from bot.reports.period import Period
from bot.staff import tickets as work
from bot.staff.desk import Desk
from bot.staff.escalation import escalate_due
from storage.repositories.conversations import Conversations
from storage.repositories.messages import MessageLog
from storage.repositories.requests import Requests
from tests.bot.chatting import Chat, payloads
from tests.bot.filing import file_card_request
from tests.bot.staff.staffing import add_staff

# What came of a message → the kind of question a report counts it as (None: not a question).
KIND = {
    "answer": "answered",
    "clarify": "clarified",
    "intent:out_of_scope": "declined",
    "fallback": "not_understood",
    "handoff": "handed_off",
    "urgent": "handed_off",
}
NOT_LOGGED = {"duplicate", "delivered", "invalid", "limited"}  # the engine logs nothing
_ids = itertools.count(1)


@dataclass
class Expected:
    """What the report of the period must say, tallied as the activity happened."""

    messages_in: Counter[str] = field(default_factory=Counter)  # per channel
    kinds: Counter[str] = field(default_factory=Counter)
    kinds_at: dict[str, Counter[str]] = field(default_factory=dict)  # per conversation
    topics: Counter[str] = field(default_factory=Counter)
    keys: list[ConversationKey] = field(default_factory=list)
    requests: dict[str, str] = field(default_factory=dict)  # number → final state
    bookings: dict[str, tuple[date, str]] = field(default_factory=dict)  # number → day, state
    tickets: dict[int, dict[str, object]] = field(default_factory=dict)
    escalations: Counter[tuple[str, str]] = field(default_factory=Counter)
    ratings: dict[int, int] = field(default_factory=dict)  # ticket → stars

    def record(self, key: ConversationKey, outcome: str, entry: str | None = None) -> None:
        if outcome in NOT_LOGGED:
            return
        if key not in self.keys:
            self.keys.append(key)
        self.messages_in[key.channel] += 1
        kind = KIND.get(outcome)
        if kind is not None:
            self.kinds[kind] += 1
            self.kinds_at.setdefault(key.user_id, Counter())[kind] += 1
        if outcome == "answer" and entry is not None:
            self.topics[entry] += 1


class Talker(Chat):
    """A chat whose every message is tallied in `expected` by what the engine says came of it."""

    def __init__(
        self, engine: Engine, expected: Expected, user: str, channel: str, at: datetime | None
    ) -> None:
        super().__init__(engine, user, channel)
        self.expected, self.at = expected, at

    def inbound(self, text: str | None = None, payload: str | None = None) -> Inbound:
        at = self.at or datetime.now(COUNTY_TIME)
        return Inbound(self.key, f"r{next(_ids)}", text=text, payload=payload, received_at=at)

    async def send(self, inbound: Inbound, entry: str | None = None) -> list[Outbound]:
        answered = await self.engine.answer(inbound)
        self.expected.record(self.key, answered.outcome, entry)
        return answered.replies

    async def say(self, text: str) -> Outbound:
        [reply] = await self.send(self.inbound(text=text))
        return reply

    async def pick(self, payload: str) -> Outbound:
        [reply] = await self.send(self.inbound(payload=payload))
        return reply

    async def ask(self, text: str, entry: str | None = None) -> list[Outbound]:
        """A question whose answer, if it is one, is the entry `entry`."""
        return await self.send(self.inbound(text=text), entry)


def working_days(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def county(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), COUNTY_TIME)


async def _set_station(engine: Engine, key: ConversationKey, station: str) -> None:
    async with engine.database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open(key.channel, key.chat_id, key.user_id)
        state.station_id = station
        await conversations.save(state)


async def fill(engine: Engine, desk: Desk, month_start: date) -> Expected:
    """Everything above, in the month that starts on `month_start` (the current one)."""
    expected = Expected()

    def talker(user: str, channel: str = "web", at: datetime | None = None) -> Talker:
        return Talker(engine, expected, user, channel, at)

    # ---- questions on three channels ----
    web = talker("asker-web", "web")
    await web.ask("优待证怎么办理", "preferential.card")
    await web.ask("优待证丢了怎么办", "preferential.card_loss")
    await web.ask("优待证怎么办理", "preferential.card")
    telegram = talker("asker-telegram", "telegram")
    await telegram.ask("优待证")  # which of the two card entries? → clarified
    await telegram.pick("entry:preferential.card_loss")  # the pick answers it
    expected.topics["preferential.card_loss"] += 1
    await telegram.ask("今天天气怎么样")  # declined
    await telegram.ask("我想炒股")  # not understood
    wechat = talker("asker-wechat", "wechat")
    await wechat.ask("家庭优待金什么时候发", "preferential.family_allowance")
    await wechat.ask("帮我订机票")
    await wechat.ask("阿巴阿巴")
    await wechat.ask("你好")  # a greeting: logged, not a question

    # ---- requests filed at 童市, moved on by staff ----
    numbers = [await file_card_request(talker(f"filer-{n}", "web")) for n in range(3)]
    moves = {numbers[1]: ("accepted", "done"), numbers[2]: ("rejected",)}
    kb, messages = desk.kb, catalogue()
    for number in numbers:
        for state in moves.get(number, ()):
            async with engine.database.transaction() as session:
                await change_request_state(session, kb, messages, number, state, "clerk")
        expected.requests[number] = moves.get(number, ("submitted",))[-1]

    # ---- visits booked at 童市 (one place a slot: each on its own day), then ended ----
    ends = ("attended", "no_show", None)
    for n, end in enumerate(ends):
        visitor = talker(f"visitor-{n}", "web")
        await visitor.pick("booking")
        days = await visitor.pick("flow:booking:v:光荣牌")
        offered = [p for p in payloads(days) if p.startswith("flow:booking:d:")]
        await visitor.pick(offered[n])
        await visitor.pick("flow:booking:sl:上午")
        booked = await visitor.pick("flow:booking:confirm")
        found = re.search(r"PJY-\d{4}-\d{6}", booked.text)
        assert found is not None, booked.text
        if end is not None:
            async with engine.database.transaction() as session:
                assert await end_booking(session, kb, messages, found[0], end) is not None
        day = date.fromisoformat(offered[n].removeprefix("flow:booking:d:"))
        expected.bookings[found[0]] = (day, end or "booked")

    # ---- tickets at set times on the month's first two working days ----
    day1, day2 = working_days(month_start, 2)
    clerk = await add_staff(engine.database, "town-clerk", "tongshi")
    county_clerk = await add_staff(engine.database, "county-clerk", "county")

    village = talker("villager", "wechat", county(day1, 10))
    await _set_station(engine, village.key, "tongshi_village")
    await village.ask("转人工")
    first = await _latest_ticket(engine)
    # Nobody at the village claims it: 8 working hours later it moves up to 童市.
    moved = await escalate_due(engine.database, desk, county(day2, 10, 1))
    assert moved == 1
    expected.escalations["tongshi_village", "tongshi"] += 1
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, clerk, county(day2, 11)).reply(
            first, "您好，我是童市镇的工作人员。"
        )
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, clerk, county(day2, 13)).resolve(first, "已电话说明。")
    village.at = county(day2, 13, 30)
    await village.say("4")  # the rating asked for on resolving
    expected.ratings[first] = 4
    # 10:00 day 1 → 11:00 day 2 is 7 + 2 working hours; → 13:00 day 2 is 7 + 4.
    expected.tickets[first] = {"station": "tongshi", "reply": 9.0, "resolve": 11.0}

    asker = talker("county-asker", "web", county(day2, 14))
    await asker.ask("转人工")
    second = await _latest_ticket(engine)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, county_clerk, county(day2, 14, 30)).reply(
            second, "请讲。"
        )
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, county_clerk, county(day2, 16)).resolve(
            second, "已答复。"
        )
    asker.at = county(day2, 16, 5)
    await asker.say("5")
    expected.ratings[second] = 5
    expected.tickets[second] = {"station": "county", "reply": 0.5, "resolve": 2.0}

    urgent = talker("in-distress", "telegram", county(day2, 15))
    await urgent.ask("我不想活了")
    third = await _latest_ticket(engine)
    expected.tickets[third] = {"station": "county", "reply": None, "resolve": None}
    return expected


async def _latest_ticket(engine: Engine) -> int:
    from sqlalchemy import func, select

    from storage.models import Ticket

    async with engine.database.transaction() as session:
        found = await session.scalar(select(func.max(Ticket.id)))
    assert found is not None
    return int(found)


async def messages_out(engine: Engine, keys: list[ConversationKey]) -> Counter[str]:
    """Messages to users per channel, read conversation by conversation from the message log
    (replies, staff messages, notices): the console's own reading, not the report's."""
    counted: Counter[str] = Counter()
    async with engine.database.transaction() as session:
        for key in keys:
            found = await Conversations(session).find(key.channel, key.chat_id, key.user_id)
            assert found is not None
            logged = await MessageLog(session).recent(found, limit=10_000)
            counted[key.channel] += sum(1 for m in logged if m.direction == "out")
    return counted


async def stations_of(engine: Engine, keys: list[ConversationKey]) -> dict[str, str | None]:
    """Each user's station as their conversation has it (set by forms and the town choice)."""
    found: dict[str, str | None] = {}
    async with engine.database.transaction() as session:
        for key in keys:
            state = await Conversations(session).open(key.channel, key.chat_id, key.user_id)
            found[key.user_id] = state.station_id
    return found


async def done_days(engine: Engine, numbers: list[str]) -> list[float]:
    """Days from filing to done of the requests done, from their history."""
    days = []
    async with engine.database.transaction() as session:
        requests = Requests(session)
        for number in numbers:
            filed = await requests.get(number)
            assert filed is not None
            for event in await requests.history(filed.id):
                if event.state == "done":
                    days.append((event.at - filed.created_at).total_seconds() / 86400)
    return days


def still_in(month: Period) -> None:
    """Skip a test whose activity ran past midnight at the end of the month."""
    if datetime.now(COUNTY_TIME).date() > month.last:
        pytest.skip("the month ended while the test ran; run it again")
