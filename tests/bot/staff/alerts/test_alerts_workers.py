"""`vetbot serve --workers 2` on PostgreSQL: both processes run the alerts job, and an urgent
ticket still reaches the county's WeCom robot once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from bot.staff.alerts.scan import INTERVAL
from tests.bot.staff.alerts.wecom_fake import KEY, FakeWeComRobots, webhook
from tests.bot.web.servers import ServerProcess, free_port
from tests.bot.web.test_workers import fresh_postgres  # noqa: F401 (a fixture)
from tests.paths import FIXTURE_KB
from tests.waiting import until


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_two_processes_send_an_urgent_alert_once(
    tmp_path: Path,
    fresh_postgres: str,  # noqa: F811
    robots: FakeWeComRobots,
) -> None:
    env = {
        "VETBOT_DATABASE_URL": fresh_postgres,
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_WECOM_API_BASE": robots.base_url,
        "VETBOT_ALERT_WECOM_WEBHOOKS": json.dumps({"county": webhook(KEY)}),
    }
    server = ServerProcess(env, free_port(), tmp_path / "server.log", ("--workers", "2"))
    await asyncio.to_thread(server.start, 120)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as web:
            body = {"message_id": "m1", "text": "我不想活了"}
            assert (await web.post("/api/chat", json=body)).status_code == 200
        await until(lambda: robots.texts(KEY), timeout=60)
        # Give the other process two rounds of its own job: it finds the alert marked.
        await asyncio.sleep(2 * INTERVAL + 2)
    finally:
        await asyncio.to_thread(server.stop)
    [alert] = robots.texts(KEY)
    assert alert.startswith("【紧急】T-000001")
