"""`vetbot report month` as the bureau runs it, in a child process on the test's SQLite file
after a month of activity through the engine: JSON with every figure, XLSX with one sheet per
section and Chinese headers (read back with openpyxl), CSV with every section."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.reports.period import Period
from bot.staff.desk import Desk
from storage import migrate
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.reports.activity import Expected, fill, messages_out, still_in
from tests.paths import FIXTURE_KB

SHEETS = [
    "概览",
    "渠道",
    "答复情况",
    "每日提问",
    "热门问题",
    "申请办理",
    "预约到访",
    "人工工单",
    "逐级上报",
    "服务评价",
]


@pytest.fixture
async def filled(
    tmp_path: Path, knowledge: Knowledge, settings: Settings, month: Period
) -> AsyncIterator[tuple[Engine, Expected]]:
    database = Database(f"sqlite:///{tmp_path / 'report.db'}")
    await migrate.upgrade(database)
    engine = Engine(
        database, KnowledgeStore(FIXTURE_KB, knowledge), settings, today=lambda: month.first
    )
    expected = await fill(engine, Desk.of(knowledge.kb, settings), month.first)
    yield engine, expected
    await database.dispose()


def vetbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'report.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_DATA_KEY": TEST_DATA_KEY,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", *args],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


async def test_the_monthly_return_in_json_xlsx_and_csv(
    filled: tuple[Engine, Expected], tmp_path: Path, month: Period
) -> None:
    engine, expected = filled
    which = f"{month.first:%Y-%m}"

    ran = vetbot(tmp_path, "month", which, "--format", "json")
    assert ran.returncode == 0, ran.stderr.decode()
    still_in(month)
    data = json.loads(ran.stdout)
    out = await messages_out(engine, expected.keys)
    assert data["period"] == {"first": month.first.isoformat(), "last": month.last.isoformat()}
    assert {c["channel"]: (c["messages_in"], c["messages_out"]) for c in data["channels"]} == {
        channel: (expected.messages_in[channel], out[channel]) for channel in out
    }
    assert data["conversations"] == len(expected.keys)
    assert {k: data["questions"][k] for k in expected.kinds} == dict(expected.kinds)
    assert {t["entry_id"]: t["count"] for t in data["topics"]} == dict(expected.topics)
    [filed] = data["requests"]
    assert (
        filed["states"]["done"] == filed["states"]["rejected"] == filed["states"]["submitted"] == 1
    )
    assert {t["station_id"]: t["opened"] for t in data["tickets"]} == {"county": 2, "tongshi": 1}
    assert data["escalations"] == [
        {"from_station_id": "tongshi_village", "to_station_id": "tongshi", "count": 1}
    ]
    assert {r["station_id"]: r["average"] for r in data["ratings"]} == {
        "county": 5.0,
        "tongshi": 4.0,
    }
    assert f"{len(expected.keys)} conversations" in ran.stderr.decode()

    # XLSX: one sheet per section, Chinese headers, the figures in the cells.
    ran = vetbot(tmp_path, "month", which)
    assert ran.returncode == 0, ran.stderr.decode()
    book = load_workbook(tmp_path / f"vetbot-report-{which}.xlsx")
    assert book.sheetnames == SHEETS
    overview = {row[0]: row[1] for row in book["概览"].iter_rows(min_row=2, values_only=True)}
    assert overview["统计期间"] == which
    assert overview["统计范围"] == "全部服务站"
    assert overview["会话数"] == len(expected.keys)
    assert overview["提问数"] == sum(expected.kinds.values())
    assert overview["转人工"] == expected.kinds["handed_off"]
    assert overview["逐级上报次数"] == 1
    tickets = list(book["人工工单"].iter_rows(values_only=True))
    assert tickets[0][:3] == ("服务站", "新建工单", "已办结")
    assert ("童市镇退役军人服务站", 1, 1, 0, 1, 9, 11) in tickets
    assert [c.value for c in book["申请办理"][1]][:3] == ["申请类型", "服务站", "提交数"]
    days = list(book["每日提问"].iter_rows(min_row=2, values_only=True))
    assert len(days) == len(month.days())

    # One station and those under it, as CSV to a file: every section, with its title.
    target = tmp_path / "tongshi.csv"
    ran = vetbot(
        tmp_path, "month", which, "--station", "tongshi", "--format", "csv", "-o", str(target)
    )
    assert ran.returncode == 0, ran.stderr.decode()
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel and WPS read UTF-8 with its mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    titles = [row[0] for n, row in enumerate(rows) if n == 0 or (rows[n - 1] == [] and row)]
    assert titles == SHEETS
    assert ["统计范围", "童市镇退役军人服务站"] in rows
    assert not any("测试县退役军人服务中心" in cell for row in rows for cell in row)


def test_wrong_arguments_say_what_to_do(tmp_path: Path) -> None:
    for args, says in [
        (("month", "2026-13"), "write it as YYYY-MM"),
        (("month", "2026-12", "--format", "pdf"), "one of csv, xlsx, json"),
        (("month", "2026-12", "--station", "nowhere", "--format", "json"), "no station 'nowhere'"),
        (("range", "2026-12-31", "2026-12-01"), "ends (2026-12-01) before it starts"),
    ]:
        ran = vetbot(tmp_path, *args)
        assert ran.returncode == 2, (args, ran.stderr.decode())
        assert says in ran.stderr.decode(), (args, ran.stderr.decode())
    ran = vetbot(tmp_path, "month", "--help")
    assert ran.returncode == 0 and b"--station" in ran.stdout
