"""A request and a booking filed for someone else, seen in the console over real HTTP: the filer
and the veteran apart, the veteran's ID number and phone masked until the one audited reveal
(then the number to phone the veteran on), and the lists naming whom each is for."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from bot.config import Settings
from storage.models.base import utcnow
from storage.repositories.audit import AuditLog
from tests.bot.flows.dated import ID_NUMBER, PHONE
from tests.bot.flows.request.behalf import (
    FOR_FATHER,
    VETERAN_ID,
    VETERAN_MASKED,
    VETERAN_NAME,
    VETERAN_PHONE,
)
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.bot.web.servers import signed_cookie


class Browser:
    """The filer's web chat: messages typed (digits for options), replies read back."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http, self.sent = http, 0

    async def say(self, text: str) -> dict[str, Any]:
        self.sent += 1
        body = {"message_id": f"m{self.sent}", "text": text}
        response = await self.http.post("/api/chat", json=body)
        assert response.status_code == 200, response.text
        [reply] = response.json()["replies"]
        return dict(reply)

    async def choose(self, reply: dict[str, Any], starting: str) -> dict[str, Any]:
        """Type the number of the first offered option whose payload starts with `starting`."""
        payloads = [o["payload"] for o in reply["options"]]
        index = next(i for i, p in enumerate(payloads) if p.startswith(starting))
        return await self.say(str(index + 1))


async def file_for_father(browser: Browser) -> str:
    """The preferential-card form filed by 张小明 for his father; its number."""
    types = await browser.choose(await browser.say("菜单"), "request")
    town = await browser.choose(types, "request:preferential_card")
    consent = await browser.choose(town, "flow:request:town:tongshi")
    relationship = await browser.choose(consent, "flow:request:proxy")
    await browser.choose(relationship, "flow:request:c:1")  # 子女
    for typed in (VETERAN_NAME, VETERAN_ID, VETERAN_PHONE, "张小明", ID_NUMBER, PHONE, "1"):
        await browser.say(typed)
    summary = await browser.say("跳过")
    done = await browser.choose(summary, "flow:request:submit")
    return str(done["text"].split("申请编号是 ")[1].split("，")[0])


async def book_for_father(browser: Browser) -> str:
    """A visit booked for the father on the first day and slot offered; its number."""
    services = await browser.choose(await browser.say("菜单"), "booking")
    consent = await browser.choose(services, "flow:booking:proxy")
    relationship = await browser.choose(consent, "flow:booking:yes")
    await browser.choose(relationship, "flow:booking:c:1")
    for typed in (VETERAN_NAME, VETERAN_ID):
        await browser.say(typed)
    reply = await browser.say(VETERAN_PHONE)
    for step in ("flow:booking:v:优待证", "flow:booking:st:tongshi", "flow:booking:d:"):
        reply = await browser.choose(reply, step)
    reply = await browser.choose(
        await browser.choose(reply, "flow:booking:sl:"), "flow:booking:confirm"
    )
    return str(reply["text"].split("预约号是 ")[1].split("，")[0])


async def test_staff_see_the_filer_and_the_veteran_apart(settings: Settings) -> None:
    settings = settings.model_copy(update={"data_key": SecretStr("test-key-" * 4)})
    # The chat books from the real today on; the console lists a month ahead of its own now.
    async with console_server(settings, Clock(utcnow())) as (url, database):
        await add_staff(database, "li", "tongshi")
        cookies = signed_cookie(settings, "daughter")
        async with httpx.AsyncClient(base_url=url, cookies=cookies) as http:
            browser = Browser(http)
            number = await file_for_father(browser)
            booking = await book_for_father(browser)
        member = await Member.login(url, "li")
        try:
            [listed] = (await member.get("/api/staff/requests")).json()
            assert (listed["number"], listed["for_whom"]) == (number, FOR_FATHER)

            masked = (await member.get(f"/api/staff/requests/{number}")).json()
            assert masked["filer"] == {"name": "张小明", "phone": "139****5678", "channel": "web"}
            veteran = masked["filed_for"]
            assert (veteran["relationship"], veteran["kin"], veteran["name"]) == (
                "子女",
                "父亲",
                VETERAN_NAME,
            )
            assert (veteran["id_number"], veteran["phone"]) == (VETERAN_MASKED, "138****1111")
            assert VETERAN_ID not in str(masked) and VETERAN_PHONE not in str(masked)

            shown = (await member.post(f"/api/staff/requests/{number}/reveal")).json()
            assert (shown["filed_for"]["id_number"], shown["filed_for"]["phone"]) == (
                VETERAN_ID,
                VETERAN_PHONE,
            )
            assert shown["filer"]["phone"] == PHONE
            values = {a["label"]: a["value"] for a in shown["answers"]}
            assert values["身份证号码"] == ID_NUMBER  # the filer's own, apart from the veteran's

            [visit] = (await member.get("/api/staff/bookings")).json()
            assert (visit["number"], visit["for_whom"]) == (booking, FOR_FATHER)
            assert visit["filed_for"]["phone"] == "138****1111"
            opened = (await member.post(f"/api/staff/bookings/{booking}/reveal")).json()
            assert opened["filed_for"]["phone"] == VETERAN_PHONE and opened["revealed"]
        finally:
            await member.close()
        async with database.transaction() as session:
            reveals = [e for e in await AuditLog(session).recent(None) if e.action == "reveal"]
        assert {(e.detail["number"], e.detail.get("filed_for")) for e in reveals} == {
            (number, True),
            (booking, True),
        }
