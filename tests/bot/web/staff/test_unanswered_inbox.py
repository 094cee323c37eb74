"""The unanswered inbox over real HTTP: an admin sees every station's clusters and marks them
(audited); a station head reads their stations' clusters only, and cannot mark; plain staff
get 404 for the page and its API. Questions are masked and nobody who asked is shown."""

from __future__ import annotations

import httpx

from bot.config import Settings
from storage.repositories.feedback import Feedback, Served
from tests.bot.web.consoles import Clock, Member, add_staff, console_server

TRAIN = ["退役军人坐火车打折吗", "退伍军人坐火车能打折吗", "退伍军人坐火车能打折吗 13812345678"]
INBOX = "/api/staff/admin/unanswered"


async def _ask(url: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=url) as veteran:  # a new veteran each time
        response = await veteran.post("/api/chat", json={"message_id": "1", "text": text})
        assert response.status_code == 200, response.text


async def test_admin_head_and_staff_each_see_what_they_may(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        for name, station, role in (
            ("root", "county", "admin"),
            ("head", "tongshi", "station_head"),
            ("li", "county", "staff"),
        ):
            await add_staff(database, name, station, role)
        for text in TRAIN:
            await _ask(url, text)
        async with database.transaction() as session:  # one question from 童市's village
            served = Served("", "村里的老兵能领取暖费吗", "v", "tongshi_village", "web", "zh")
            await Feedback(session).missed(None, "fallback", served, [])
        root, head, li = [await Member.login(url, n) for n in ("root", "head", "li")]
        try:
            response = await root.get(INBOX)
            assert response.status_code == 200
            assert "no-store" in response.headers["cache-control"]
            body = response.json()
            assert body["read_only"] is False
            bus = body["clusters"][0]
            assert bus["size"] == 3 and bus["kinds"] == {"fallback": 3}
            text = response.text
            assert "13812345678" not in text and "138****5678" in text
            assert not {"user_id", "conversation_id", "chat_id"} & set(bus)
            assert len(body["clusters"]) == 2

            seen = (await head.get(INBOX)).json()
            assert seen["read_only"] is True
            assert [c["examples"] for c in seen["clusters"]] == [["村里的老兵能领取暖费吗"]]
            assert (await head.get(f"{INBOX}?station=county")).status_code == 404
            assert (await head.get("/staff/admin/unanswered")).status_code == 200
            refused = await head.post(f"{INBOX}/mark", {"ids": bus["ids"], "mark": "done"})
            assert refused.status_code == 404

            assert (await li.get("/staff/admin/unanswered")).status_code == 404
            assert (await li.get(INBOX)).status_code == 404
            assert (await li.get("/api/staff/me")).json()["unanswered"] is False

            marked = await root.post(f"{INBOX}/mark", {"ids": bus["ids"], "mark": "not_ours"})
            assert marked.json() == {"marked": 3, "mark": "not_ours"}
            left = (await root.get(INBOX)).json()["clusters"]
            assert [c["size"] for c in left] == [1]
            shown = (await root.get(f"{INBOX}?marked=true")).json()["clusters"]
            assert {c["mark"] for c in shown} == {"not_ours", ""}
            audit = (await root.get("/api/staff/audit")).json()
            assert audit[0]["action"] == "unanswered_mark"

            await _ask(url, "退伍军人坐火车打折吗")  # a new question of the marked need
            back = (await root.get(INBOX)).json()["clusters"]
            assert sorted((c["size"], c["new"]) for c in back) == [(1, 1), (4, 1)]

            week = (await root.get(f"{INBOX}?week=2020-W01")).json()
            assert week["clusters"] == []
            assert (await root.get(f"{INBOX}?week=yesterday")).status_code == 422
        finally:
            for member in (root, head, li):
                await member.close()
        async with httpx.AsyncClient(base_url=url) as stranger:
            assert (await stranger.get(INBOX)).status_code == 401
