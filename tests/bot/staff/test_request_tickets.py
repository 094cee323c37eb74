"""Requests whose type needs staff (grievances, complaints) open a ticket for the station that
handles them, and the user is told what happens next."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from tests.bot.staff.staffing import Clock, Veteran, open_ticket
from tests.paths import FIXTURE_KB


@pytest.fixture(scope="module")
def staffed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Knowledge]:
    """The fixture knowledge base with complaints marked as needing staff."""
    folder = tmp_path_factory.mktemp("staffed") / "policies"
    shutil.copytree(FIXTURE_KB, folder)
    requests = folder / "requests.yaml"
    text = requests.read_text(encoding="utf-8")
    marked = text.replace(
        "    station_level: county\n", "    station_level: county\n    needs_staff: true\n"
    )
    assert marked != text
    requests.write_text(marked, encoding="utf-8")
    return folder, Knowledge.build(folder)


async def test_a_complaint_opens_a_ticket_at_the_county(
    database: Database, staffed: tuple[Path, Knowledge], clock: Clock, tmp_path: Path
) -> None:
    folder, knowledge = staffed
    settings = Settings(policies_dir=folder, data_key_file=tmp_path / "data.key")
    engine = Engine(database, KnowledgeStore(folder, knowledge), settings)
    veteran = Veteran(engine, clock)
    await veteran.say(payload="request:complaint")
    await veteran.say(payload="flow:request:s:wukou")
    await veteran.say("同意")
    await veteran.say("2001年12月1日")
    [filed] = await veteran.say(payload="flow:request:submit")
    assert "已为您转给测试县退役军人服务中心的工作人员（编号 T-000001）" in filed.text
    ticket = await open_ticket(database, 1)
    assert (ticket.station_id, ticket.category, ticket.reason) == ("county", "complaint", "request")
    assert ticket.request_id is not None
    assert (await veteran.state()).flow == "handoff"
