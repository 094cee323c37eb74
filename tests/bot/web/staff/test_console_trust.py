"""The staff console attacked over real HTTP: taking a colleague's ticket by moving it, telling
real login names from unknown ones, locking a colleague out, and pages left in caches."""

from __future__ import annotations

import httpx

from bot.config import Settings
from tests.bot.web.consoles import PASSWORD, Clock, Member, add_staff, console_server

ATTACKER = {"X-Forwarded-For": "203.0.113.66"}  # uvicorn trusts a proxy on loopback
COLLEAGUE = {"X-Forwarded-For": "198.51.100.7"}


async def _ticket(url: str) -> int:
    async with httpx.AsyncClient(base_url=url) as user:
        response = await user.post("/api/chat", json={"message_id": "1", "text": "转人工"})
        assert response.status_code == 200, response.text
    return 1


async def test_a_claimed_ticket_cannot_be_taken_by_moving_it_below_and_claiming_it_there(
    settings: Settings,
) -> None:
    async with console_server(settings, Clock()) as (url, database):
        for name, role in (("li", "staff"), ("wang", "staff"), ("head", "station_head")):
            await add_staff(database, name, "county", role)
        ticket = await _ticket(url)
        li, wang, head = [await Member.login(url, n) for n in ("li", "wang", "head")]
        try:
            assert (await wang.post(f"/api/staff/tickets/{ticket}/claim")).status_code == 200
            moved = await li.post(
                f"/api/staff/tickets/{ticket}/transfer", {"station_id": "tongshi"}
            )
            assert moved.status_code == 409 and moved.json()["key"] == "staff.error.claimed"
            row = (await li.get(f"/api/staff/tickets/{ticket}")).json()["ticket"]
            assert (row["station_id"], row["status"], row["claimed_by"]) == (
                "county",
                "live",
                "Wang",
            )
            # Whoever claimed it may move it, and a station head may take it over that way.
            taken = await head.post(
                f"/api/staff/tickets/{ticket}/transfer", {"station_id": "tongshi"}
            )
            assert taken.status_code == 200 and taken.json()["status"] == "waiting"
        finally:
            for member in (li, wang, head):
                await member.close()


async def _login(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    return await client.post("/api/staff/login", json={"username": name, "password": password})


async def test_an_unknown_name_is_answered_exactly_like_a_real_one_lock_included(
    settings: Settings,
) -> None:
    settings = settings.model_copy(update={"staff_max_failures": 3})
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        answers: dict[str, list[tuple[int, object]]] = {}
        async with httpx.AsyncClient(base_url=url, headers=ATTACKER) as attacker:
            for name in ("li", "nobody"):
                answers[name] = []
                for password in ["wrong password"] * 3 + [PASSWORD]:
                    response = await _login(attacker, name, password)
                    answers[name].append((response.status_code, response.json()))
        assert answers["li"] == answers["nobody"]
        assert [body["key"] for _, body in answers["nobody"]] == [  # type: ignore[index]
            "staff.error.login",
            "staff.error.login",
            "staff.error.locked",
            "staff.error.locked",
        ]


async def test_failing_from_elsewhere_does_not_lock_the_colleague_out(settings: Settings) -> None:
    settings = settings.model_copy(update={"staff_max_failures": 3})
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url, headers=ATTACKER) as attacker:
            for _ in range(5):
                await _login(attacker, "li", "guessing again")
            assert (await _login(attacker, "li", PASSWORD)).json()["key"] == "staff.error.locked"
        async with httpx.AsyncClient(base_url=url, headers=COLLEAGUE) as colleague:
            response = await _login(colleague, "li", PASSWORD)
        assert response.status_code == 200 and response.json()["username"] == "li"


async def test_one_address_guessing_many_names_is_slowed_down(settings: Settings) -> None:
    settings = settings.model_copy(
        update={"staff_max_failures": 3, "staff_max_failures_per_address": 4}
    )
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        async with httpx.AsyncClient(base_url=url, headers=ATTACKER) as attacker:
            keys = [
                (await _login(attacker, name, "123456789012")).json()["key"]
                for name in ("zhang", "wang", "chen", "liu")
            ]
            stopped = await _login(attacker, "li", PASSWORD)  # even the right password waits
        assert keys == ["staff.error.login"] * 4
        assert stopped.status_code == 401 and stopped.json()["key"] == "staff.error.too_many"
        async with httpx.AsyncClient(base_url=url, headers=COLLEAGUE) as colleague:
            assert (await _login(colleague, "li", PASSWORD)).status_code == 200


async def test_nothing_of_the_console_is_kept_in_a_cache(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "li", "county")
        ticket = await _ticket(url)
        member = await Member.login(url, "li")
        try:
            responses = [
                await member.post(f"/api/staff/tickets/{ticket}/reveal"),
                await member.get(f"/api/staff/tickets/{ticket}?reveal=1"),
                await member.get("/api/staff/queue"),
                await member.get("/api/staff/tickets/999"),  # a 404
                await member.get(f"/staff/tickets/{ticket}"),
            ]
        finally:
            await member.close()
        async with httpx.AsyncClient(base_url=url) as anonymous:
            responses.append(await anonymous.get("/api/staff/me"))  # a 401
        assert [r.headers.get("cache-control") for r in responses] == ["no-store"] * 6
        assert responses[0].json()["revealed"] is True
