"""Every township of the county through the real engine (issue #17: "安定镇" was refused as
not found): set as the user's town with or without 镇, its station or else the county centre
named as theirs, and a request filed from it lands in the county centre's queue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_KB_DIR, Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from storage.repositories.requests import Requests
from tests.bot.chatting import Chat
from tests.bot.flows.dated import ID_NUMBER, PHONE, TODAY
from tests.paths import FIXTURE_KB


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture knowledge base with the county's real station directory."""
    root = tmp_path_factory.mktemp("county") / "policies"
    shutil.copytree(FIXTURE_KB, root)
    shutil.copy(DEFAULT_KB_DIR / "stations.yaml", root / "stations.yaml")
    return root


@pytest.fixture(scope="module")
def county_knowledge(county: Path) -> Knowledge:
    return Knowledge.build(county)


@pytest.fixture
def engine(
    database: Database, county: Path, county_knowledge: Knowledge, settings: Settings
) -> Engine:
    store = KnowledgeStore(county, county_knowledge)
    return Engine(database, store, settings, today=lambda: TODAY)


@pytest.mark.parametrize("typed", ["安定镇", "安定", "我住平江县安定镇"])
async def test_a_township_without_a_station_on_record_is_set(chat: Chat, typed: str) -> None:
    await chat.pick("town")
    done = await chat.say(typed)
    assert "已记下您在安定镇" in done.text and "平江县退役军人服务中心" in done.text
    assert (await chat.state()).station_id == "anding"


async def test_a_town_on_record_keeps_its_station(chat: Chat) -> None:
    await chat.pick("town")
    done = await chat.say("浯口")
    assert "浯口镇退役军人服务站" in done.text
    assert (await chat.state()).station_id == "wukou"


async def test_a_request_from_such_a_township_goes_to_the_county(chat: Chat) -> None:
    await chat.pick("request:preferential_card")
    for message in ("安定", "同意", "张三", ID_NUMBER, PHONE, "1", "跳过"):
        await chat.say(message)
    done = await chat.say("确认")
    assert "由平江县退役军人服务中心办理" in done.text
    user_id = (await chat.state()).user_id
    async with chat.engine.database.transaction() as session:
        [filed] = await Requests(session).of_user(user_id)
    assert filed.station_id == "county"
