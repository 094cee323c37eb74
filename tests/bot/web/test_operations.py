"""/healthz, /metrics, the admin reload's loopback rule, and a database that is down."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.config import Settings
from bot.web.app import create_app
from tests.bot.web.servers import free_port, serving


async def test_healthz_reports_database_and_knowledge_base(settings: Settings) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        health = await client.get("/healthz")
    body = health.json()
    assert health.status_code == 200 and body["status"] == "ok" and body["database"] == "ok"
    assert len(body["knowledge_base"]["fingerprint"]) == 16
    assert body["knowledge_base"]["entries"] == 5 and body["reload_errors"] == []


async def test_metrics_count_messages_outcomes_and_latency(settings: Settings) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        await client.post("/api/chat", json={"user_id": "u", "message_id": "1", "text": "优待证"})
        text = (await client.get("/metrics")).text
    assert 'vetbot_messages_total{channel="web"} 1.0' in text
    assert 'vetbot_outcomes_total{outcome="clarify"} 1.0' in text
    assert "vetbot_handle_seconds_count 1.0" in text


async def test_admin_reload_is_for_this_machine_only(settings: Settings) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        assert (await client.post("/api/admin/reload")).status_code == 200
        relayed = await client.post("/api/admin/reload", headers={"X-Forwarded-For": "1.2.3.4"})
    assert relayed.status_code == 403


async def test_database_down_answers_503_with_a_polite_reply(policies: Path) -> None:
    settings = Settings(
        database_url=f"postgresql://nobody@127.0.0.1:{free_port()}/none",
        policies_dir=policies,
        auto_migrate=False,
        watch_policies=False,
    )
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.post(
            "/api/chat", json={"user_id": "u", "message_id": "1", "text": "优待证"}
        )
        health = await client.get("/healthz")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "请稍后再试" in response.json()["replies"][0]["text"]
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
