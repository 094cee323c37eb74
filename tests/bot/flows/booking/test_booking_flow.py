"""Booking a visit through the real engine: days, slots, capacity, cancel, move, back, cancel.

The fixture stations: the county centre (优待证, 伤残评定; 2 places a slot) and Tongshi town
(优待证, 光荣牌; 1 place a slot), half-day slots. Today is Friday 2026-09-18.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import Outbound
from storage.database import Database
from storage.models import Booking, BookingSlot
from storage.repositories.bookings import Bookings, Visit
from tests.bot.chatting import Chat, labels, payloads
from tests.paths import FIXTURE_KB

WALK = [
    ("booking", "您要预约办理什么事项"),
    ("flow:booking:v:优待证", "请选择办理“优待证”的地点"),
    ("flow:booking:st:tongshi", "请选择日期"),
    ("flow:booking:d:2026-09-21", "请选择时段"),
    ("flow:booking:sl:上午", "请核对您的预约"),
]


async def walk(chat: Chat, steps: int = len(WALK), day: str = "2026-09-21") -> Outbound:
    """Pick the first `steps` options of WALK (on `day`); the last reply."""
    reply = Outbound("")
    for payload, expected in WALK[:steps]:
        reply = await chat.pick(payload.replace("2026-09-21", day))
        assert expected in reply.text, (payload, reply.text)
    return reply


async def visits(chat: Chat) -> list[Visit]:
    user_id = (await chat.state()).user_id
    async with chat.engine.database.transaction() as session:
        return await Bookings(session).of_user(user_id)


async def places_taken(database: Database) -> dict[tuple[date, str], int]:
    async with database.transaction() as session:
        rows = await session.execute(select(BookingSlot.day, BookingSlot.slot, BookingSlot.booked))
        return {(day, slot): booked for day, slot, booked in rows.all()}


async def test_a_visit_is_booked_step_by_step(chat: Chat) -> None:
    services = await chat.pick("booking")
    assert labels(services)[:3] == ["优待证", "伤残评定", "光荣牌"]  # every station, no town set
    assert "设置您所在的乡镇后" in services.text
    stations = await chat.pick("flow:booking:v:优待证")
    assert labels(stations)[:2] == ["测试县退役军人服务中心", "童市镇退役军人服务站"]
    days = await chat.pick("flow:booking:st:tongshi")
    # Saturday the 19th is closed, Sunday the 20th a make-up working day, the 25th a holiday.
    assert labels(days)[:6] == [
        "2026年9月20日（周日）",
        "2026年9月21日（周一）",
        "2026年9月22日（周二）",
        "2026年9月23日（周三）",
        "2026年9月24日（周四）",
        "2026年9月28日（周一）",
    ]
    slots = await chat.pick("flow:booking:d:2026-09-21")
    assert labels(slots)[:2] == ["上午（剩 1 个名额）", "下午（剩 1 个名额）"]
    summary = await chat.pick("flow:booking:sl:下午")
    assert "办理事项：优待证" in summary.text and "地点：童市镇退役军人服务站" in summary.text
    assert "时间：2026年9月21日（周一） 下午" in summary.text
    assert "以服务站公布的为准" in summary.text  # no opening hours invented
    done = await chat.pick("flow:booking:confirm")
    assert done.text.splitlines()[0] == (
        "预约成功！您的预约号是 PJY-2026-000001，"
        "请于2026年9月21日（周一） 下午到童市镇退役军人服务站办理优待证。"
    )
    assert done.text.count("PJY-2026-000001") == 1
    [visit] = await visits(chat)
    assert visit.state == "booked" and visit.place.slot == "下午"
    # Reminded at 09:00 county time the day before.
    assert visit.remind_at == datetime(2026, 9, 20, 1, 0, tzinfo=UTC)
    assert (await chat.state()).flow is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-09-19", "2026年9月19日（周六）是周末，服务站不办公"),
        ("2026-10-01", "2026年10月1日（周四）是法定节假日"),
        ("9月25日", "是法定节假日"),
        ("2026-09-18", "不在可预约的范围内"),  # today: no same-day bookings
        ("2026-12-30", "不在可预约的范围内"),  # beyond 60 days
        ("下个月", "请从下面的日期中选择"),
    ],
)
async def test_closed_and_unbookable_days_say_why(chat: Chat, typed: str, said: str) -> None:
    await walk(chat, 3)
    reply = await chat.say(typed)
    assert said in reply.text and (await chat.state()).step == "day"
    assert "flow:booking:d:2026-09-20" in payloads(reply)  # and the open days again


async def test_a_make_up_working_day_can_be_typed(chat: Chat) -> None:
    await walk(chat, 3)
    reply = await chat.say("10月10日")  # a Saturday worked after National Day
    assert "2026年10月10日（周六）：请选择时段" in reply.text


async def test_a_full_slot_offers_the_next_free_one(engine: Engine, database: Database) -> None:
    alice, bob = Chat(engine, "alice"), Chat(engine, "bob")
    await walk(alice, 5)
    await walk(bob, 5)  # both look at the same last place
    assert "预约成功" in (await alice.pick("flow:booking:confirm")).text
    full = await bob.pick("flow:booking:confirm")
    assert "抱歉，2026年9月21日（周一） 上午 刚刚约满了" in full.text
    assert "时间：2026年9月21日（周一） 下午" in full.text  # the next free place, ready
    assert payloads(full)[0] == "flow:booking:confirm"
    booked = await bob.say("确认")
    assert "预约成功" in booked.text and "下午" in booked.text
    taken = await places_taken(database)
    assert taken == {(date(2026, 9, 21), "上午"): 1, (date(2026, 9, 21), "下午"): 1}


async def test_only_days_and_slots_with_room_are_offered(engine: Engine) -> None:
    for name, slot in (("a", "上午"), ("b", "下午")):
        user = Chat(engine, name)
        await walk(user, 4, day="2026-09-20")
        await user.pick(f"flow:booking:sl:{slot}")
        await user.pick("flow:booking:confirm")
    late = Chat(engine, "late")
    days = await walk(late, 3)
    assert "2026年9月20日" not in " ".join(labels(days))
    full_day = await late.say("2026-09-20")
    assert "已经约满了" in full_day.text
    half = Chat(engine, "half")
    await walk(half, 4)
    await half.pick("flow:booking:sl:上午")
    await half.pick("flow:booking:confirm")
    other = Chat(engine, "other")
    slots = await walk(other, 4)
    assert labels(slots)[0] == "下午（剩 1 个名额）"


async def test_cancelling_from_the_status_list_frees_the_place(
    chat: Chat, engine: Engine, database: Database
) -> None:
    await walk(chat)
    await chat.pick("flow:booking:confirm")
    status = await chat.say("我的预约")
    assert "【我的预约】" in status.text and "PJY-2026-000001" in status.text
    assert "已预约" in status.text
    assert payloads(status)[:2] == [
        "booking:move:PJY-2026-000001",
        "booking:cancel:PJY-2026-000001",
    ]
    ask = await chat.pick("booking:cancel:PJY-2026-000001")
    assert "确定要取消这个预约吗" in ask.text and "flow:booking:back" not in payloads(ask)
    done = await chat.pick("flow:booking:confirm")
    assert "预约 PJY-2026-000001 已取消，名额已释放" in done.text
    assert (await visits(chat))[0].state == "cancelled"
    assert await places_taken(database) == {(date(2026, 9, 21), "上午"): 0}
    again = await chat.say("我的预约")
    assert "已取消" in again.text and "booking:cancel:PJY-2026-000001" not in payloads(again)
    other = Chat(engine, "other")
    await walk(other)
    assert "预约成功" in (await other.pick("flow:booking:confirm")).text


async def test_moving_a_booking_keeps_its_number(chat: Chat, database: Database) -> None:
    await walk(chat)
    await chat.pick("flow:booking:confirm")
    days = await chat.pick("booking:move:PJY-2026-000001")
    assert "请选择日期" in days.text
    await chat.pick("flow:booking:d:2026-09-22")
    summary = await chat.pick("flow:booking:sl:下午")
    assert "请核对预约 PJY-2026-000001 的新时间" in summary.text
    moved = await chat.pick("flow:booking:confirm")
    assert "已改期！预约号 PJY-2026-000001 不变" in moved.text and "9月22日" in moved.text
    assert await places_taken(database) == {
        (date(2026, 9, 21), "上午"): 0,
        (date(2026, 9, 22), "下午"): 1,
    }
    [visit] = await visits(chat)
    assert visit.place.day == date(2026, 9, 22) and visit.state == "booked"


async def test_someone_elses_booking_cannot_be_touched(engine: Engine) -> None:
    alice, mallory = Chat(engine, "alice"), Chat(engine, "mallory")
    await walk(alice)
    await alice.pick("flow:booking:confirm")
    for action in ("cancel", "move"):
        reply = await mallory.pick(f"booking:{action}:PJY-2026-000001")
        assert "没有找到这个预约" in reply.text
    assert (await visits(alice))[0].state == "booked"


@pytest.mark.parametrize("steps", range(2, len(WALK) + 1))
async def test_going_back_from_every_step(chat: Chat, steps: int) -> None:
    await walk(chat, steps)
    assert WALK[steps - 2][1] in (await chat.say("上一步")).text


async def test_back_from_the_first_step_is_the_menu(chat: Chat) -> None:
    await walk(chat, 1)
    reply = await chat.pick("flow:booking:back")
    assert "请回复数字选择" in reply.text and (await chat.state()).flow is None


@pytest.mark.parametrize("steps", range(1, len(WALK) + 1))
@pytest.mark.parametrize("how", ["typed", "button"])
async def test_cancel_at_every_step_books_nothing(
    chat: Chat, database: Database, steps: int, how: str
) -> None:
    await walk(chat, steps)
    reply = await (chat.say("取消") if how == "typed" else chat.pick("flow:booking:cancel"))
    assert reply.text.startswith("已取消。")
    assert (await chat.state()).flow is None
    async with database.transaction() as session:
        assert list(await session.scalars(select(Booking))) == []


async def test_the_users_own_station_comes_first_and_one_is_not_asked(chat: Chat) -> None:
    await chat.pick("town")
    await chat.say("童市")
    services = await chat.pick("booking")
    assert labels(services)[:3] == ["优待证", "光荣牌", "伤残评定"]
    assert "设置您所在的乡镇后" not in services.text
    stations = await chat.pick("flow:booking:v:优待证")
    assert labels(stations)[:2] == ["童市镇退役军人服务站", "测试县退役军人服务中心"]
    await chat.say("上一步")
    days = await chat.pick("flow:booking:v:光荣牌")  # only Tongshi offers it: no station step
    assert "童市镇退役军人服务站：请选择日期" in days.text
    assert "您要预约办理什么事项" in (await chat.say("上一步")).text


async def test_typed_answers_work_like_buttons(chat: Chat) -> None:
    await chat.pick("booking")
    assert "请从下面的事项中选择" in (await chat.say("看病")).text
    await chat.say("优待证")
    await chat.say("童市镇退役军人服务站")
    await chat.say("2026-09-22")
    summary = await chat.say("下午")
    assert "2026年9月22日（周二） 下午" in summary.text
    assert "预约成功" in (await chat.say("确认")).text


async def test_a_booking_survives_a_restart_mid_way(
    chat: Chat, database: Database, knowledge: Knowledge, settings: Settings
) -> None:
    await walk(chat, 4)
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)
    restarted = Chat(engine)
    assert "请核对您的预约" in (await restarted.pick("flow:booking:sl:上午")).text
    assert "预约成功" in (await restarted.pick("flow:booking:confirm")).text


async def test_an_answer_offers_booking(chat: Chat) -> None:
    answer = await chat.say("优待证怎么办理")
    assert "booking" in payloads(answer)
    assert "您要预约办理什么事项" in (await chat.pick("booking")).text


async def test_booking_in_english(chat: Chat) -> None:
    await chat.pick("lang:en")
    await chat.pick("booking")
    await chat.pick("flow:booking:v:优待证")
    await chat.pick("flow:booking:st:tongshi")
    slots = await chat.pick("flow:booking:d:2026-09-21")
    assert "Mon 2026-09-21: please choose a time" in slots.text
    assert labels(slots)[0] == "morning (1 places left)"
    await chat.pick("flow:booking:sl:上午")
    done = await chat.pick("flow:booking:confirm")
    assert "Booked! Your booking number is PJY-2026-000001" in done.text
