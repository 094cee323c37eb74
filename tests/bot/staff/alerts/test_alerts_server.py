"""Staff alerts in the whole server on loopback: a veteran in distress on the web chat, the
county's WeCom robot and Telegram staff chat alerted by the server's own background job, a
clerk linking their Telegram with the console's code and answering from the chat, the answer
on the veteran's web page; then a robot that fails, shown on /healthz and in the console."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.web.app import create_app
from storage.database import Database
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.staff.alerts.conftest import PUBLIC
from tests.bot.staff.alerts.wecom_fake import KEY, FakeWeComRobots, webhook
from tests.bot.web.consoles import Member, add_staff
from tests.bot.web.servers import serving
from tests.paths import FIXTURE_KB
from tests.waiting import until

STAFF_CHAT = -1009876543210
CLERK = 9101
DISTRESS = "我不想活了，我身份证430626196501011234，电话13800138000"
ANSWER = "李叔，我们马上给您打电话，请别挂。"
ALERTED = 40.0  # seconds allowed for the alerts job's round and the outbox (a test bound only)


@pytest.fixture
def settings(tmp_path: Path, telegram: FakeTelegram, robots: FakeWeComRobots) -> Settings:
    policies = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, policies)
    return make_settings(
        database_url=f"sqlite:///{tmp_path / 'alerts.db'}",
        policies_dir=policies,
        watch_policies=False,
        data_key=SecretStr(TEST_DATA_KEY),
        public_url=PUBLIC,
        telegram_token=SecretStr(telegram.token),
        telegram_api_base=telegram.base_url,
        wecom_api_base=robots.base_url,
        alert_wecom_webhooks={"county": webhook(KEY)},
        alert_telegram_chats={"county": str(STAFF_CHAT)},
    )


def in_chat(fake: FakeTelegram) -> list[dict[str, Any]]:
    return [m for m in fake.bot_messages if m["chat"]["id"] == STAFF_CHAT]


def group_message(user: int, text: str, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "县中心工作群"}
    message: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 10**9,
        "date": int(time.time()),
        "chat": chat,
        "from": {"id": user, "is_bot": False, "first_name": "李"},
        "text": text,
    }
    if reply_to is not None:
        message["reply_to_message"] = {**reply_to, "chat": chat}
    return {"message": message}


async def says(web: httpx.AsyncClient, text: str, message_id: str) -> None:
    response = await web.post("/api/chat", json={"message_id": message_id, "text": text})
    assert response.status_code == 200, response.text


async def test_a_veteran_in_distress_is_answered_from_the_staff_chat(
    settings: Settings, telegram: FakeTelegram, robots: FakeWeComRobots
) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as web:
        await says(web, DISTRESS, "m1")
        await until(lambda: robots.texts(KEY) and in_chat(telegram), timeout=ALERTED)
        [robot_alert] = robots.texts(KEY)
        [chat_alert] = in_chat(telegram)
        for alert in (robot_alert, chat_alert["text"]):
            assert alert.startswith("【紧急】T-000001 · ")
            assert f"{PUBLIC}/staff/tickets/1" in alert
            assert re.search(r"\d{7,}", alert) is None and "不想活" not in alert

        database = Database(settings.database_url)
        try:
            await add_staff(database, "li", "county")
        finally:
            await database.dispose()
        member = await Member.login(url, "li")
        try:
            assert (await member.get("/api/staff/alerts")).json()["telegram_linked"] is None
            code = (await member.post("/api/staff/alerts/telegram-code")).json()["code"]
            telegram.push(group_message(CLERK, f"/link {code}"))
            await until(lambda: in_chat(telegram)[-1]["text"].startswith("已关联：Li"))

            telegram.push(group_message(CLERK, ANSWER, reply_to=chat_alert))

            async def answered() -> bool:
                updates = (await web.get("/api/updates")).json()["messages"]
                return any(ANSWER in m["text"] for m in updates)

            await until(answered)
            done = "已把 Li 的答复发给群众（T-000001）。"
            await until(lambda: in_chat(telegram)[-1]["text"] == done)
            state = (await member.get("/api/staff/alerts")).json()
            assert state["telegram_linked"] is not None and state["failing"] == []
            assert (await web.get("/healthz")).json()["staff_alerts_failing"] == []

            robots.errors[KEY] = 93000  # the county's robot is removed from its group
            async with httpx.AsyncClient(base_url=url) as other_web:
                await says(other_web, "我不想活了", "n1")

                async def failing() -> bool:
                    return bool((await web.get("/healthz")).json()["staff_alerts_failing"])

                await until(failing, timeout=ALERTED)
            health = (await web.get("/healthz")).json()
            assert health["status"] == "warning"
            [bad] = health["staff_alerts_failing"]
            assert bad["channel"] == "wecom" and bad["stations"] == ["county"]
            assert KEY not in str(health)
            [shown] = (await member.get("/api/staff/alerts")).json()["failing"]
            assert shown["channel"] == "wecom" and "93000" in shown["error"]
        finally:
            await member.close()
