"""The webhooks of the running server attacked from outside: a captured WeChat URL replayed
with a forged body at another server process, and the signed query strings that the access log
would hand to whoever reads it (bugs: used nonces were not remembered; the log kept them)."""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.channels.wechat import xml
from bot.config import Settings
from bot.web.app import create_app
from tests.bot.channels.wechat.wechat_push import TOKEN, signed
from tests.bot.channels.wechat.wechat_push import pushed as push
from tests.bot.web.servers import server_process, serving
from tests.paths import FIXTURE_KB

OPENID = "oVictimOpenId00000000000000"


def pushed(content: str, msg_id: str) -> bytes:
    return push(content, msg_id, OPENID)


async def test_a_captured_url_replayed_at_another_process_with_a_forged_body_is_refused(
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'shared.db'}",
        policies_dir=FIXTURE_KB,
        watch_policies=False,
        wechat_token=SecretStr(TOKEN),
    )
    query = signed()
    async with (
        serving(create_app(settings)) as one,
        serving(create_app(settings)) as two,
        httpx.AsyncClient() as http,
    ):
        real = await http.post(f"{one}/webhooks/wechat", params=query, content=pushed("你好", "1"))
        forged = await http.post(
            f"{two}/webhooks/wechat", params=query, content=pushed("转人工，我要投诉", "2")
        )
        retry = await http.post(f"{two}/webhooks/wechat", params=query, content=pushed("你好", "1"))
    assert real.status_code == 200 and "Content" in xml.parse(real.content)
    assert forged.status_code == 403
    assert retry.status_code == 200  # WeChat's retry of the real message is still answered


def test_the_access_log_keeps_no_signed_webhook_query(tmp_path: Path) -> None:
    env = {
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'logs.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_WECHAT_TOKEN": TOKEN,
    }
    log = tmp_path / "server.log"
    query = signed()
    with server_process(env, log) as server:
        response = httpx.post(
            f"{server.url}/webhooks/wechat", params=query, content=pushed("你好", "5"), timeout=30
        )
        httpx.get(f"{server.url}/healthz?probe=1", timeout=30)
    assert response.status_code == 200
    text = log.read_text()
    assert "POST /webhooks/wechat HTTP/1.1" in text  # the request is still logged
    assert query["signature"] not in text and query["nonce"] not in text
    assert "/healthz?probe=1" in text  # other query strings are left alone


def test_the_server_makes_its_database_for_its_owner_only_and_warns_of_an_open_one(
    tmp_path: Path,
) -> None:
    made, opened = tmp_path / "made.db", tmp_path / "opened.db"
    opened.touch()
    opened.chmod(0o644)
    for database in (made, opened):
        env = {
            "VETBOT_DATABASE_URL": f"sqlite:///{database}",
            "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
            "VETBOT_WATCH_POLICIES": "false",
        }
        with server_process(env, tmp_path / f"{database.stem}.log"):
            files = [database, database.with_name(f"{database.name}-wal")]  # while it runs
            modes = {f.name: f.stat().st_mode & 0o777 for f in files}
        if database == made:
            assert modes == {"made.db": 0o600, "made.db-wal": 0o600}
    assert "can be read by other users" not in (tmp_path / "made.log").read_text()
    assert "can be read by other users" in (tmp_path / "opened.log").read_text()
