"""Requests and bookings in the console: read with personal data masked until an audited
reveal; accept, start, complete or reject with a reason; mark visits attended or no-show. Each
change reaches the user through the outbox — for a web chat user, into the page's updates."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from pydantic import SecretStr

from bot.config import Settings
from bot.privacy.sealing import data_key
from storage.database import Database
from storage.repositories.audit import AuditLog
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.requests import Requests
from storage.repositories.users import Users
from tests.bot.web.consoles import MONDAY_10, Clock, Member, add_staff, console_server
from tests.bot.web.servers import signed_cookie

ID_NUMBER = "430621199001011234"


async def _file(database: Database, settings: Settings) -> tuple[str, str]:
    async with database.transaction() as session:
        user = await Users(session).find("web", "u1")
        assert user is not None
        filed = await Requests(session).file(
            prefix="PJ",
            year=2025,
            user_id=user,
            type_id="preferential_card",
            station_id="county",
            answers={
                "name": "王五",
                "id_number": data_key(settings).seal(ID_NUMBER),
                "phone": "13812345678",
            },
            language="zh",
            channel="web",
            chat_id="u1",
            external_user_id="u1",
        )
        visit = await Bookings(session).book(
            Place("county", MONDAY_10.date() + timedelta(days=1), "上午"),
            4,
            number_prefix="PJY",
            service="优待证",
            contact=Contact(user, "zh", "web", "u1", "u1"),
            remind_at=None,
        )
        assert visit is not None
    return filed.number, visit.number


async def _updates(user: httpx.AsyncClient, after: int, count: int) -> list[str]:
    """The user's page updates once `count` have arrived (the outbox worker polls each second)."""
    for _ in range(100):
        found = (await user.get(f"/api/updates?after={after}")).json()["messages"]
        if len(found) >= count:
            return [m["text"] for m in found]
        await asyncio.sleep(0.1)
    raise AssertionError(f"only {found} arrived")


async def test_requests_and_bookings_move_on_and_the_user_is_told(settings: Settings) -> None:
    settings = settings.model_copy(update={"data_key": SecretStr("test-key-" * 4)})
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url, cookies=signed_cookie(settings, "u1")) as user:
            await user.post("/api/chat", json={"user_id": "u1", "message_id": "1", "text": "菜单"})
            after = (await user.get("/api/history")).json()["last"]
            number, booking = await _file(database, settings)
            member = await Member.login(url, "li")
            try:
                [listed] = (await member.get("/api/staff/requests")).json()
                assert (listed["number"], listed["state"]) == (number, "submitted")
                masked = (await member.get(f"/api/staff/requests/{number}")).json()
                values = {a["label"]: a["value"] for a in masked["answers"]}
                assert values["身份证号码"] == "4306**********1234"
                assert values["手机号码"] == "138****5678"
                shown = (await member.post(f"/api/staff/requests/{number}/reveal")).json()
                values = {a["label"]: a["value"] for a in shown["answers"]}
                assert (values["身份证号码"], values["手机号码"]) == (ID_NUMBER, "13812345678")

                state = f"/api/staff/requests/{number}/state"
                refused = await member.post(state, {"state": "rejected"})
                assert refused.status_code == 409 and "理由" in refused.json()["detail"]
                assert (await member.post(state, {"state": "accepted"})).status_code == 200
                again = await member.post(state, {"state": "accepted"})
                assert again.status_code == 409 and again.json()["key"] == "staff.error.state"
                assert (await member.post(state, {"state": "in_progress"})).status_code == 200
                done = await member.post(state, {"state": "done", "note": "请到县中心领取"})
                assert done.json()["state"] == "done"
                history = (await member.get(f"/api/staff/requests/{number}")).json()["history"]
                assert [(e["state"], e["who"]) for e in history][1:] == [
                    ("accepted", "li"),
                    ("in_progress", "li"),
                    ("done", "li"),
                ]

                [visit] = (await member.get("/api/staff/bookings")).json()
                assert (visit["number"], visit["state"]) == (booking, "booked")
                ended = f"/api/staff/bookings/{booking}/state"
                assert (await member.post(ended, {"state": "no_show"})).status_code == 200
                assert (await member.post(ended, {"state": "attended"})).status_code == 409

                told = await _updates(user, after, 4)
                assert f"您的申请 {number}" in told[0] and "已受理" in told[0]
                assert "工作人员说明：请到县中心领取" in told[2]
                assert f"您的预约 {booking} 记为未到场" in told[3]

                async with database.transaction() as session:
                    entries = [(e.action, e.subject) for e in await AuditLog(session).recent(None)]
                assert entries[:5] == [
                    ("booking_state", "booking:1"),
                    ("request_state", "request:1"),
                    ("request_state", "request:1"),
                    ("request_state", "request:1"),
                    ("reveal", "request:1"),
                ]
            finally:
                await member.close()
