"""Rotating the data key: every stored ID number re-sealed under the new key in batches; a run
stopped halfway goes on where it stopped; afterwards the new key alone opens them all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import String, cast, select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.flows.request.proxy import ID_PURPOSE
from bot.privacy import rotation
from bot.privacy.sealing import SEALED, DataKey, PersonalDataUnreadable, data_key, sealed_under
from bot.web.app import create_app
from bot.web.callers import COOKIE
from storage.database import Database
from storage.models import Conversation, FiledFor, KeyRotation, ServiceRequest
from tests.bot.chatting import TEST_DATA_KEY, Chat
from tests.bot.flows.request.behalf import VETERAN_ID, choose
from tests.bot.flows.request.test_filed_for import to_summary
from tests.bot.privacy.people import NEIGHBOUR, VETERAN, Someone, busy_veteran
from tests.bot.web.servers import chat_settings, serving
from tests.paths import FIXTURE_KB

NEW_KEY = "the new data key of the tests, 2026"


class Interrupted(Exception):
    pass


def _sealed(value: Any) -> list[str]:
    text = json.dumps(value, ensure_ascii=False)
    return [part.split('"')[0] for part in text.split(SEALED)[1:]]


async def _all_sealed(database: Database) -> list[str]:
    async with database.transaction() as session:
        answers = list(await session.scalars(select(ServiceRequest.answers)))
        answers += list(await session.scalars(select(FiledFor.id_number)))
        values = await session.scalars(
            select(Conversation.values).where(cast(Conversation.values, String).like(f"%{SEALED}%"))
        )
        return [SEALED + s for v in [*answers, *values] for s in _sealed(v)]


async def _file(engine: Engine, user: str, who: Someone) -> None:
    await busy_veteran(engine, user, who=who, book=False)


async def test_rotate_key_resumes_and_the_new_key_alone_opens_everything(
    database: Database, knowledge: Knowledge, settings: Settings
) -> None:
    store = KnowledgeStore(FIXTURE_KB, knowledge)
    old = Engine(database, store, settings)
    await _file(old, "veteran", VETERAN)
    await _file(old, "neighbour", NEIGHBOUR)
    typing = Chat(old, "half-way")  # a form in progress holds its ID number sealed too
    await typing.pick("request:preferential_card")
    for message in ("童市", "同意", "王五", VETERAN.id_number):
        await typing.say(message)
    child = Chat(old, "child")  # filed for a father: his ID number sealed, and fingerprinted
    await choose(child, await to_summary(child), "flow:request:submit")
    old_key = data_key(settings)
    before = await _all_sealed(database)
    assert len(before) == 5 and {sealed_under(v) for v in before} == {old_key.key_id}
    clear = sorted(old_key.open(v) for v in before)

    rotating = settings.model_copy(
        update={"data_key": SecretStr(NEW_KEY), "data_key_previous": SecretStr(TEST_DATA_KEY)}
    )
    key = data_key(rotating)
    batches: list[int] = []

    def stop_after_one(progress: rotation.Progress) -> None:
        batches.append(progress.resealed)
        if progress.resealed:
            raise Interrupted

    with pytest.raises(Interrupted):
        await rotation.rotate(database, key, batch=1, on_batch=stop_after_one)
    halfway = await _all_sealed(database)
    assert [sealed_under(v) for v in halfway].count(key.key_id) == 1
    # Meanwhile the server, on the new key with the old one as previous, files and reads on.
    await _file(
        Engine(database, store, rotating),
        "late",
        Someone("赵六", "11010519491231002X", "13600001111", "晚来的"),
    )
    assert sorted(key.open(v) for v in halfway) == clear

    done = await rotation.rotate(database, key, batch=1)
    assert sum(p.resealed for p in done) == 4  # the others, not the one done before
    assert await rotation.left_over(database, key) == {}
    async with database.transaction() as session:
        marks = list(await session.scalars(select(KeyRotation)))
    assert marks and all(m.finished_at is not None and m.key_id == key.key_id for m in marks)

    after = await _all_sealed(database)
    alone, former = DataKey(NEW_KEY.encode()), DataKey(TEST_DATA_KEY.encode())
    assert sorted(alone.open(v) for v in after) == sorted([*clear, "11010519491231002X"])
    for value in after:
        with pytest.raises(PersonalDataUnreadable):
            former.open(value)
    async with database.transaction() as session:
        [filing] = list(await session.scalars(select(FiledFor)))
    assert alone.open(filing.id_number) == VETERAN_ID
    assert filing.id_fingerprint == alone.fingerprint(ID_PURPOSE, VETERAN_ID)


async def test_a_web_user_keeps_their_chat_across_the_rotation(tmp_path: Path) -> None:
    """A browser's cookie signed under the old key is signed anew while the previous key is
    set: after the rotation, the new key alone still knows that browser."""
    before = chat_settings(tmp_path, data_key=SecretStr(TEST_DATA_KEY))
    async with serving(create_app(before)) as url, httpx.AsyncClient(base_url=url) as browser:
        assert (await browser.get("/")).status_code == 200
        said = await browser.post("/api/chat", json={"message_id": "1", "text": "菜单"})
        assert said.status_code == 200
        old_cookie = browser.cookies[COOKIE]
    during = before.model_copy(
        update={"data_key": SecretStr(NEW_KEY), "data_key_previous": SecretStr(TEST_DATA_KEY)}
    )
    async with serving(create_app(during)) as url, httpx.AsyncClient(base_url=url) as browser:
        page = await browser.get("/", headers={"Cookie": f"{COOKIE}={old_cookie}"})
        assert page.status_code == 200
        new_cookie = page.cookies[COOKIE]
        assert new_cookie != old_cookie and new_cookie.split(".")[0] == old_cookie.split(".")[0]
    after = before.model_copy(update={"data_key": SecretStr(NEW_KEY)})
    async with serving(create_app(after)) as url, httpx.AsyncClient(base_url=url) as browser:
        renewed = await browser.get("/api/history", headers={"Cookie": f"{COOKIE}={new_cookie}"})
        history = renewed.json()["messages"]
        assert [m["text"] for m in history if m["sender"] == "user"] == ["菜单"]
        # The old key is gone: a cookie still signed under it is nobody's any more.
        stale = await browser.get("/api/history", headers={"Cookie": f"{COOKIE}={old_cookie}"})
        assert stale.json()["messages"] == []
