"""A township whose station is not on record (issue #17: every township is listed, most without
a station of their own yet) is no place to send a ticket: no one works its queue."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.config import Settings
from tests.bot.web.consoles import Clock, Member, add_staff, console_server

ANDING = """
  - id: anding
    name: 安定镇
    level: town
    parent: county
    on_record: false
    aliases: [安定]
"""


async def test_a_ticket_cannot_go_to_a_township_not_on_record(
    settings: Settings, policies: Path
) -> None:
    stations = policies / "stations.yaml"
    stations.write_text(stations.read_text(encoding="utf-8") + ANDING, encoding="utf-8")
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        member = await Member.login(url, "li")
        try:
            targets = [s["id"] for s in (await member.get("/api/staff/stations")).json()]
            assert "anding" not in targets and "tongshi" in targets
            async with httpx.AsyncClient(base_url=url, cookies={"vetbot_uid": "w"}) as user:
                body = {"user_id": "w", "message_id": "w-1", "text": "转人工"}
                assert (await user.post("/api/chat", json=body)).status_code == 200
            refused = await member.post("/api/staff/tickets/1/transfer", {"station_id": "anding"})
            assert refused.status_code == 409, refused.text
            assert refused.json()["detail"] == "没有这个站点。"
        finally:
            await member.close()
