"""`vetbot insights unanswered`: the inbox's clusters from the same database, as a table or as
the JSON the README documents; a bad date or station says what to do."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bot.chatting import Chat
from tests.bot.cli.running import vetbot

TRAIN = [
    "退伍军人坐火车能打折吗？电话13812345678",
    "退伍军人坐火车能打折吗",
    "退役军人坐火车打折吗",
]
KEYS = {"key", "ids", "size", "new", "mark", "examples", "first_seen", "last_seen", "kinds",
        "considered", "likely", "unhelpful", "reasons", "stations"}  # fmt: skip


async def test_unanswered_as_json_in_the_documented_shape(tmp_path: Path, chat: Chat) -> None:
    for text in TRAIN:
        await chat.say(text)
        await chat.say("服务站")  # answered: two misses in a row would hand over to a person
    shown = vetbot(tmp_path, "insights", "unanswered", "--json")
    assert shown.returncode == 0, shown.stderr
    [train] = json.loads(shown.stdout)
    assert set(train) == KEYS
    # The fixture knowledge base has no train entry: two fall back, and the one with a phone
    # number reads closest to the everyday "机票打折" and is declined; one cluster all the same.
    assert train["size"] == 3 and train["kinds"] == {"fallback": 2, "out_of_scope": 1}
    assert train["mark"] == ""
    assert "13812345678" not in shown.stdout
    assert any("138****5678" in example for example in train["examples"])
    assert {"entry_id", "title", "count", "score"} == set(train["considered"][0])
    assert train["stations"] == {"county": 3}
    later = vetbot(tmp_path, "insights", "unanswered", "--json", "--since", "2999-01-01")
    assert json.loads(later.stdout) == []
    table = vetbot(tmp_path, "insights", "unanswered", "--station", "tongshi")
    assert table.returncode == 0 and "Nothing went unanswered" in table.stdout
    listed = vetbot(tmp_path, "insights", "unanswered")
    assert "1 cluster(s), 3 question(s)" in listed.stdout


async def test_a_bad_date_or_station_says_how_to_write_it(tmp_path: Path, chat: Chat) -> None:
    await chat.say("菜单")
    bad = vetbot(tmp_path, "insights", "unanswered", "--since", "yesterday")
    assert bad.returncode == 2 and "2026-12-01" in bad.stderr
    unknown = vetbot(tmp_path, "insights", "unanswered", "--station", "nowhere")
    assert unknown.returncode == 2 and "No station 'nowhere'" in unknown.stderr
    assert "Known: county" in unknown.stderr
