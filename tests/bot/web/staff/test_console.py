"""The staff console over real HTTP: login and its guards (cookie, CSRF, origin, lockout), the
whole ticket round trip with a web chat user, masking and audited reveal, canned replies,
deadline badges that follow the clock."""

from __future__ import annotations

import httpx

from bot.config import Settings
from storage.repositories.audit import AuditLog
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.bot.web.servers import signed_cookie


async def _chat(
    client: httpx.AsyncClient, user: str, n: int, **body: str
) -> list[dict[str, object]]:
    response = await client.post(
        "/api/chat", json={"user_id": user, "message_id": f"{user}-{n}", **body}
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"replies"}  # the chat contract is unchanged
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


async def test_pages_and_api_need_a_login(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url) as anonymous:
            page = await anonymous.get("/staff")
            assert (page.status_code, page.headers["location"]) == (303, "/staff/login")
            assert (await anonymous.get("/api/staff/queue")).status_code == 401
            assert (await anonymous.post("/api/staff/tickets/1/claim")).status_code == 401
            login = await anonymous.get("/staff/login")
            assert login.status_code == 200 and "工作人员登录" in login.text
            wrong = await anonymous.post(
                "/api/staff/login", json={"username": "li", "password": "nope"}
            )
            assert wrong.status_code == 401 and wrong.json()["detail"] == "用户名或密码不对。"
        member = await Member.login(url, "li")
        try:
            cookie = member.client.cookies.jar
            [session] = [c for c in cookie if c.name == "vetbot_staff"]
            assert session.has_nonstandard_attr("HttpOnly")
            queue = await member.get("/staff")
            assert queue.status_code == 200 and 'data-page="queue"' in queue.text
            assert queue.headers["x-frame-options"] == "DENY"
            assert member.csrf in queue.text  # the page carries its CSRF token
        finally:
            await member.close()


async def test_changes_need_the_csrf_token_and_this_origin(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        member = await Member.login(url, "li")
        try:
            bare = await member.client.post("/api/staff/logout")
            assert bare.status_code == 403 and "刷新" in bare.json()["detail"]
            forged = await member.client.post(
                "/api/staff/logout",
                headers={"X-CSRF-Token": member.csrf, "Origin": "https://evil.example"},
            )
            assert forged.status_code == 403
            assert (await member.get("/api/staff/me")).status_code == 200  # still logged in
            assert (await member.post("/api/staff/logout")).status_code == 200
            assert (await member.get("/api/staff/me")).status_code == 401
        finally:
            await member.close()


async def test_lockout_through_the_api(tmp_path: object, settings: Settings) -> None:
    settings = settings.model_copy(update={"staff_max_failures": 2})
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url) as browser:
            for _ in range(2):
                await browser.post(
                    "/api/staff/login", json={"username": "li", "password": "wrong one"}
                )
            locked = await browser.post(
                "/api/staff/login", json={"username": "li", "password": "correct horse battery"}
            )
        assert locked.status_code == 401 and locked.json()["key"] == "staff.error.locked"


async def test_a_web_chat_user_and_a_staff_member_talk_both_ways(settings: Settings) -> None:
    clock = Clock()
    async with console_server(settings, clock) as (url, database):
        await add_staff(database, "li", "county")
        member = await Member.login(url, "li")
        async with httpx.AsyncClient(
            base_url=url, cookies=signed_cookie(settings, "wuser")
        ) as user:
            await _chat(user, "wuser", 1, payload="menu")
            last = (await user.get("/api/history")).json()["last"]
            [opened] = await _chat(user, "wuser", 2, text="转人工")
            assert "T-000001" in str(opened["text"])
            await _chat(user, "wuser", 3, text="我的电话是13812345678")

            queue = (await member.get("/api/staff/queue")).json()
            assert [t["number"] for t in queue["tickets"]] == ["T-000001"]
            assert queue["counts"]["waiting"] == 1
            assert (await member.post("/api/staff/tickets/1/claim")).status_code == 200
            reply = await member.post("/api/staff/tickets/1/reply", {"text": "您好，我是李工。"})
            assert reply.status_code == 200

            updates = (await user.get(f"/api/updates?after={last}")).json()
            texts = [m["text"] for m in updates["messages"]]
            assert texts == [
                "测试县退役军人服务中心的工作人员已接手您的事项，正在为您处理。",
                "【测试县退役军人服务中心工作人员】您好，我是李工。",
            ]
            assert (await user.get(f"/api/updates?after={updates['last']}")).json()[
                "messages"
            ] == []

            # Relayed to the live staff member: acknowledged once, not for every message.
            relayed = await _chat(user, "wuser", 4, text="好的谢谢")
            assert [r["text"] for r in relayed] == ["已转给工作人员。"]
            assert await _chat(user, "wuser", 41, text="还有一件事") == []
            clock.advance(minutes=1)
            mine = (await member.get("/api/staff/queue?view=mine")).json()["tickets"]
            assert mine[0]["unread"] is True

            detail = (await member.get("/api/staff/tickets/1")).json()
            said = [m["text"] for m in detail["messages"] if m["sender"] == "user"]
            assert "我的电话是138****5678" in said and "好的谢谢" in said
            assert [m["sender"] for m in detail["messages"]].count("staff") == 1

            resolved = await member.post("/api/staff/tickets/1/resolve", {"note": "已答复"})
            assert resolved.status_code == 200
            after = (await user.get(f"/api/updates?after={updates['last']}")).json()
            ask = after["messages"][-1]
            assert [o["payload"] for o in ask["options"]] == [f"rate:1:{n}" for n in range(1, 6)]
            [thanks] = await _chat(user, "wuser", 5, payload="rate:1:4")
            assert "谢谢您的评价" in str(thanks["text"])
            [rating] = (await member.get("/api/staff/ratings")).json()
            assert (rating["station_id"], rating["count"], rating["average"]) == ("county", 1, 4.0)
        await member.close()


async def test_personal_data_is_masked_until_revealed_and_the_reveal_audited(
    settings: Settings,
) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        await add_staff(database, "wang", "county")
        async with httpx.AsyncClient(base_url=url) as user:
            await _chat(user, "u1", 1, text="转人工")
            await _chat(user, "u1", 2, text="电话13812345678，有事找我")
        li, wang = await Member.login(url, "li"), await Member.login(url, "wang")
        masked_text = "电话138****5678，有事找我"
        try:
            masked = (await li.get("/api/staff/tickets/1?reveal=1")).json()  # not revealed yet
            assert masked_text in [m["text"] for m in masked["messages"]]
            shown = (await li.post("/api/staff/tickets/1/reveal")).json()
            revealed_text = "电话13812345678，有事找我"
            assert shown["revealed"] and revealed_text in [m["text"] for m in shown["messages"]]
            again = (await li.get("/api/staff/tickets/1?reveal=1")).json()
            assert again["revealed"]  # one audited reveal lasts a while
            assert not (await wang.get("/api/staff/tickets/1?reveal=1")).json()["revealed"]
            async with database.transaction() as session:
                reveals = [e for e in await AuditLog(session).for_ticket(1) if e.action == "reveal"]
            assert [e.username for e in reveals] == ["li"]
        finally:
            await li.close()
            await wang.close()


async def test_canned_replies_come_from_the_knowledge_base(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        member = await Member.login(url, "li")
        try:
            found = (await member.get("/api/staff/canned?q=优待证")).json()
            assert found[0]["id"] == "preferential.card" and "测试答案" in found[0]["answer"]
            everything = (await member.get("/api/staff/canned")).json()
            assert "preferential.old_subsidy" not in [e["id"] for e in everything]  # expired
        finally:
            await member.close()


async def test_deadline_badges_follow_the_clock(settings: Settings) -> None:
    clock = Clock()
    async with console_server(settings, clock) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url) as user:
            await _chat(user, "u1", 1, text="转人工")  # the engine's clock is the real one
        member = await Member.login(url, "li")
        try:
            [ticket] = (await member.get("/api/staff/queue")).json()["tickets"]
            left = ticket["deadline_seconds"]
            clock.advance(hours=1)
            [later] = (await member.get("/api/staff/queue")).json()["tickets"]
            assert later["deadline_seconds"] == left - 3600
        finally:
            await member.close()
