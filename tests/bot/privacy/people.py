"""Test helpers for the privacy tests: a veteran with data in every holding, through the real
engine, and the figures the bureau counts, by SQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, String, Text, cast, func, select, text

from bot.conversation.engine import Engine
from storage.database import Database
from storage.models import Base
from tests.bot.chatting import Chat
from tests.bot.filing import ID_NUMBER, PHONE, book_a_visit

# What the veteran typed besides the form: a sentence nobody else says.
SECRET_SENTENCE = "我家住在幸福路十八号后面那栋楼"
NAME = "张三"


@dataclass(frozen=True)
class Someone:
    name: str
    id_number: str
    phone: str
    sentence: str

    def values(self) -> list[str]:
        return [self.name, self.id_number, self.phone, self.sentence]


VETERAN = Someone(NAME, ID_NUMBER, PHONE, SECRET_SENTENCE)
NEIGHBOUR = Someone("李四", "430626197505054310", "13787654321", "我每周三下午在村口小卖部")


async def busy_veteran(
    engine: Engine, user: str = "veteran", *, who: Someone = VETERAN, book: bool = True
) -> tuple[Chat, str]:
    """A veteran who filed a card request (name, ID number, phone), booked a visit (the one
    place of the first morning), asked for a person and told them something: the chat and
    the request's tracking number."""
    chat = Chat(engine, user)
    await chat.pick("request:preferential_card")
    for message in ("童市", "同意", who.name, who.id_number, who.phone, "1", "跳过"):
        await chat.say(message)
    filed = await chat.say("确认")
    number = re.search(r"PJ-\d{4}-\d{6}", filed.text)
    assert number is not None, filed.text
    if book:
        await book_a_visit(chat)
    await chat.say("转人工")
    await chat.say(who.sentence)
    await chat.say(f"我的电话是{who.phone}，身份证{who.id_number}")
    return chat, number[0]


async def figures(database: Database) -> dict[str, list[tuple[str, ...]]]:
    """What the bureau's reports count, by SQL: requests by type, station, state and day;
    bookings by service and state; tickets by station, category and status, with ratings;
    messages by channel, direction and outcome; conversations by channel."""
    queries = {
        "requests": "SELECT type_id, station_id, state, date(created_at), count(*) FROM requests "
        "GROUP BY type_id, station_id, state, date(created_at) ORDER BY 1, 2, 3, 4",
        "bookings": "SELECT service, state, count(*) FROM bookings GROUP BY service, state "
        "ORDER BY 1, 2",
        "tickets": "SELECT station_id, category, status, count(*), sum(coalesce(rating, 0)) "
        "FROM tickets GROUP BY station_id, category, status ORDER BY 1, 2, 3",
        "messages": "SELECT c.channel, m.direction, coalesce(m.outcome, ''), count(*) "
        "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "GROUP BY c.channel, m.direction, m.outcome ORDER BY 1, 2, 3",
        "conversations": "SELECT channel, count(*) FROM conversations GROUP BY channel",
        "events": "SELECT state, count(*) FROM request_events GROUP BY state ORDER BY 1",
    }
    found = {}
    async with database.transaction() as session:
        for name, sql in queries.items():
            found[name] = [tuple(str(v) for v in row) for row in await session.execute(text(sql))]
    return found


def raw_files(database: Database) -> bytes:
    """The SQLite database file and its WAL, as bytes on disk."""
    path = Path(str(database.engine.url.database))
    parts = [path.read_bytes()]
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        parts.append(wal.read_bytes())
    return b"".join(parts)


def personal_values() -> list[str]:
    return VETERAN.values()


async def anywhere(database: Database, value: str) -> list[str]:
    """Every `table.column` of the schema whose text (JSON as stored) holds `value`: the raw
    file check of SQLite, made on any database."""
    found = []
    async with database.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                for written in {value, json.dumps(value)[1:-1]}:
                    hits = await session.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(cast(column, Text).contains(written, autoescape=True))
                    )
                    if hits:
                        found.append(f"{table.name}.{column.name}")
    return sorted(set(found))
