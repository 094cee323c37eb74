"""Export → erase → export: a veteran's copy holds everything, the erasure leaves nothing of
them (not even in the raw SQLite file and its WAL), and the bureau's counts do not change."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.privacy.erase import erase, scrub
from bot.privacy.export import export
from bot.privacy.people import Actor, NoSuchPerson, find, named
from bot.privacy.sealing import data_key
from storage.database import Database
from storage.models import AuditEntry, FiledFor, Identity
from tests.bot.chatting import Chat
from tests.bot.filing import ID_NUMBER, PHONE
from tests.bot.flows.request.behalf import VETERAN_ID, VETERAN_NAME, VETERAN_PHONE, choose
from tests.bot.flows.request.test_filed_for import to_summary
from tests.bot.privacy.people import (
    NAME,
    NEIGHBOUR,
    SECRET_SENTENCE,
    anywhere,
    busy_veteran,
    figures,
    personal_values,
    raw_files,
)
from tests.paths import FIXTURE_KB

ADMIN = Actor("admin-wang", 1)


async def _export(database: Database, settings: Settings, by: str, value: str) -> str:
    who = named(by, value)
    async with database.transaction() as session:
        person = await find(session, who)
        done = await export(session, data_key(settings), person, who, ADMIN, "asked in person")
    return done.json()


async def _erase(database: Database, settings: Settings, by: str, value: str) -> None:
    who = named(by, value)
    async with database.transaction() as session:
        person = await find(session, who)
        await erase(session, data_key(settings), person, who, ADMIN, f"letter of {PHONE}")
    await scrub(database)


async def test_export_erase_export_leaves_nothing_personal_and_the_counts(
    engine: Engine, database: Database, settings: Settings
) -> None:
    _, number = await busy_veteran(engine)
    other, other_number = await busy_veteran(engine, "neighbour", who=NEIGHBOUR, book=False)
    before = await figures(database)

    copy = await _export(database, settings, "request", number)
    for value in (NAME, ID_NUMBER, PHONE, SECRET_SENTENCE, number):
        assert value in copy, value
    document = json.loads(copy)
    assert {"identities", "conversations", "messages", "requests", "bookings", "tickets"} <= set(
        document["tables"]
    )
    # The ID number is in the copy opened: the form holds it sealed.
    answers = document["tables"]["requests"][0]["answers"]
    assert ID_NUMBER in json.dumps(answers, ensure_ascii=False)

    await _erase(database, settings, "phone", f"+86 {PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}")
    after = await figures(database)
    assert after == before  # every figure the bureau reports, by SQL, unchanged
    for value in personal_values():  # in no column of any table, on either database
        assert await anywhere(database, value) == [], value

    again = await _export(database, settings, "request", number)
    for value in (NAME, ID_NUMBER, PHONE, SECRET_SENTENCE, "sealed:v1:"):
        assert value not in again, value
    left = json.loads(again)["tables"]
    assert "identities" not in left and "outbox" not in left
    assert all(row["text"] == "" for row in left["messages"])

    # The neighbour's data is all still there.
    theirs = await _export(database, settings, "request", other_number)
    for value in NEIGHBOUR.values():
        assert value in theirs, value
    assert (await other.state()).user_id is not None

    async with database.transaction() as session:
        audit = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action.like("privacy_%")))
        )
        identities = list(await session.scalars(select(Identity.external_id)))
    assert [entry.action for entry in audit] == [
        "privacy_export",
        "privacy_erase",
        "privacy_export",
        "privacy_export",
    ]
    logged = json.dumps([entry.detail for entry in audit], ensure_ascii=False)
    assert PHONE not in logged and "asked in person" in logged
    assert identities == ["neighbour"]


async def test_the_raw_sqlite_file_and_wal_forget_the_erased_values(
    sqlite_database: Database, knowledge: Knowledge, settings: Settings
) -> None:
    database = sqlite_database
    await busy_veteran(Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings))
    held = raw_files(database)
    assert PHONE.encode() in held and SECRET_SENTENCE.encode() in held  # the test can fail

    await _erase(database, settings, "phone", PHONE)
    raw = raw_files(database)
    for value in personal_values():
        assert value.encode() not in raw, value


async def test_a_veteran_a_family_member_filed_for_is_erased_by_their_phone(
    engine: Engine, database: Database, settings: Settings
) -> None:
    filer = Chat(engine, "child")
    summary = await to_summary(filer)
    await choose(filer, summary, "flow:request:submit")
    before = await figures(database)
    assert await anywhere(database, VETERAN_PHONE) and await anywhere(database, VETERAN_NAME)

    copy = await _export(database, settings, "phone", VETERAN_PHONE)
    assert VETERAN_NAME in copy and VETERAN_ID in copy and VETERAN_PHONE in copy
    assert "张小明" not in copy  # the filer's own data is not the veteran's
    await _erase(database, settings, "phone", VETERAN_PHONE)

    for value in (VETERAN_PHONE, VETERAN_ID, VETERAN_NAME):  # the name: in the child's summary
        assert await anywhere(database, value) == [], value
    assert await anywhere(database, PHONE)  # the filer's own phone stays: theirs to ask about
    if database.sqlite:
        raw = raw_files(database)
        for value in (VETERAN_PHONE, VETERAN_ID, VETERAN_NAME):
            assert value.encode() not in raw and json.dumps(value)[1:-1].encode() not in raw
    assert await figures(database) == before
    async with database.transaction() as session:
        [row] = list(await session.scalars(select(FiledFor)))
    assert (row.name, row.phone, row.id_number, row.relationship) == ("", "", "", "child")
    with pytest.raises(NoSuchPerson):
        await _export(database, settings, "phone", VETERAN_PHONE)
