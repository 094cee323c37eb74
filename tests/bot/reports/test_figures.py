"""Every figure of a month's report against counts made while the month was filled through the
real engine (tests/bot/reports/activity.py), on SQLite and PostgreSQL; and the same for one
station with the stations under it."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from sqlalchemy import literal, select, union_all

from bot.conversation.engine import Engine
from bot.reports.period import Period
from bot.reports.rows import KINDS, REQUEST_STATES, VISIT_STATES, Report, rate
from bot.reports.scope import UnknownStation, report, stations_of
from bot.reports.sql import medians
from bot.staff.desk import Desk
from storage.database import Database
from tests.bot.reports.activity import (
    Expected,
    done_days,
    fill,
    messages_out,
    still_in,
)
from tests.bot.reports.activity import (
    stations_of as conversation_stations,
)

TONGSHI = frozenset({"tongshi", "tongshi_village"})


async def test_every_figure_of_the_month(engine: Engine, desk: Desk, month: Period) -> None:
    expected = await fill(engine, desk, month.first)
    found = await report(engine.database, desk.kb, desk.hours, month)
    still_in(month)
    await _check_all(engine, found, expected, month)


async def _check_all(engine: Engine, found: Report, expected: Expected, month: Period) -> None:
    # Conversations and messages per channel.
    out = await messages_out(engine, expected.keys)
    channels = {r.channel: (r.conversations, r.messages_in, r.messages_out) for r in found.channels}
    assert channels == {
        channel: (
            sum(1 for k in expected.keys if k.channel == channel),
            expected.messages_in[channel],
            out[channel],
        )
        for channel in ("web", "telegram", "wechat")
    }
    assert found.conversations == len(expected.keys) == 12

    # What came of the questions, and the containment rate.
    assert found.questions.kinds == {kind: expected.kinds[kind] for kind in KINDS}
    assert found.questions.kinds == {
        "answered": 5,
        "clarified": 1,
        "declined": 2,
        "not_understood": 2,
        "handed_off": 3,
    }
    assert found.questions.containment == rate(5 + 1 + 2, 13)

    # Daily: every question was asked today (the log's real time); no day else has any.
    assert [d.day for d in found.daily] == month.days()
    busy = [d for d in found.daily if d.questions.total]
    assert len(busy) == 1
    assert busy[0].questions.kinds == found.questions.kinds

    # Top topics: the entries the answers came from.
    assert {t.entry_id: t.count for t in found.topics} == dict(expected.topics)
    assert found.topics[0].entry_id in ("preferential.card", "preferential.card_loss")
    assert found.topics[0].count == 2
    assert next(t.title for t in found.topics if t.entry_id == "preferential.card") == (
        "退役军人优待证申领"
    )

    # Requests per type and station, by state, and the median time to done.
    states = Counter(expected.requests.values())
    [row] = found.requests
    assert (row.type_id, row.station_id, row.filed) == ("preferential_card", "tongshi", 3)
    assert row.states == {state: states[state] for state in REQUEST_STATES}
    days = await done_days(engine, list(expected.requests))
    assert len(days) == 1
    assert row.median_days_to_done == round(statistics.median(days), 2)

    # Bookings at 童市: made this month, and what became of the visits due in it.
    [visits] = found.bookings
    due = [state for day, state in expected.bookings.values() if month.first <= day <= month.last]
    assert visits.station_id == "tongshi"
    assert visits.made == len(expected.bookings) == 3
    assert visits.visits == {state: due.count(state) for state in VISIT_STATES}

    # Tickets per station (where each is now), with working hours to reply and to resolve.
    tickets = {t.station_id: t for t in found.tickets}
    assert set(tickets) == {"tongshi", "county"}
    for station, row_of in tickets.items():
        mine = [e for e in expected.tickets.values() if e["station"] == station]
        replies = [float(e["reply"]) for e in mine if e["reply"] is not None]  # type: ignore[arg-type]
        resolutions = [float(e["resolve"]) for e in mine if e["resolve"] is not None]  # type: ignore[arg-type]
        assert row_of.opened == len(mine)
        assert row_of.resolved == len(resolutions)
        assert row_of.replied == len(replies)
        assert row_of.median_hours_to_first_reply == statistics.median(replies)
        assert row_of.median_hours_to_resolution == statistics.median(resolutions)
    assert (tickets["county"].opened, tickets["county"].still_open) == (2, 1)
    assert tickets["tongshi"].median_hours_to_first_reply == 9.0

    # Escalations up the hierarchy, and ratings.
    assert {(e.from_station, e.to_station): e.count for e in found.escalations} == dict(
        expected.escalations
    )
    ratings = {r.station_id: r.stars for r in found.ratings}
    assert ratings == {
        "tongshi": {1: 0, 2: 0, 3: 0, 4: 1, 5: 0},
        "county": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1},
    }
    assert [r.average for r in found.ratings] == [5.0, 4.0]  # county, tongshi


async def test_a_station_counts_itself_and_the_stations_under_it(
    engine: Engine, desk: Desk, month: Period
) -> None:
    expected = await fill(engine, desk, month.first)
    found = await report(engine.database, desk.kb, desk.hours, month, station="tongshi")
    still_in(month)
    assert found.stations == TONGSHI
    at = await conversation_stations(engine, expected.keys)
    mine = [k for k in expected.keys if at[k.user_id] in TONGSHI]
    assert mine, "the filers and the villager chose 童市 or its village"
    assert found.conversations == len(mine)
    kinds: Counter[str] = Counter()
    for key in mine:
        kinds.update(expected.kinds_at.get(key.user_id, Counter()))
    assert found.questions.kinds == {kind: kinds[kind] for kind in KINDS}
    assert [(r.station_id, r.filed) for r in found.requests] == [("tongshi", 3)]
    assert [b.station_id for b in found.bookings] == ["tongshi"]
    assert [(t.station_id, t.opened) for t in found.tickets] == [("tongshi", 1)]
    assert [(e.from_station, e.to_station) for e in found.escalations] == [
        ("tongshi_village", "tongshi")
    ]
    assert [r.station_id for r in found.ratings] == ["tongshi"]

    # A station with nothing of its own: nothing counted; one that does not exist is refused.
    wukou = await report(engine.database, desk.kb, desk.hours, month, station="wukou")
    assert (wukou.conversations, wukou.requests, wukou.tickets) == (0, [], [])
    with pytest.raises(UnknownStation, match="no station 'nowhere'"):
        stations_of(desk.kb, "nowhere")
    with pytest.raises(UnknownStation):  # a head of 童市 asking for the county
        stations_of(desk.kb, "county", TONGSHI)


async def test_nothing_outside_the_period_is_counted(
    engine: Engine, desk: Desk, month: Period
) -> None:
    await fill(engine, desk, month.first)
    before = Period.month(f"{month.first.year - 1}-{month.first.month:02d}")
    found = await report(engine.database, desk.kb, desk.hours, before)
    assert (found.conversations, found.messages, found.questions.total) == (0, 0, 0)
    assert found.topics == found.requests == found.bookings == found.tickets == []
    assert found.escalations == found.ratings == []
    assert found.questions.containment is None


@pytest.mark.parametrize(
    ("values", "median"),
    [([5.0], 5.0), ([1.0, 9.0], 5.0), ([7.0, 1.0, 3.0], 3.0), ([4.0, 1.0, 10.0, 2.0], 3.0)],
)
async def test_the_median_of_each_group_in_sql(
    database: Database, values: list[float], median: float
) -> None:
    rows = [
        select(literal(group).label("key"), literal(v).label("value"))
        for group, found in (("a", values), ("b", [100.0, 200.0, 300.0]))
        for v in found
    ]
    values_of = union_all(*rows).subquery("values_of")
    async with database.transaction() as session:
        found = {
            row[0]: float(str(row[1]))
            for row in await session.execute(medians(values_of, ("key",)))
        }
    assert found == {"a": median, "b": 200.0}
