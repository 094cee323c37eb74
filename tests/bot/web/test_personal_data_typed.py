"""ID numbers and phones typed with spaces, dashes or full-width digits, over real HTTP: never
stored whole in the message log, never in /api/history, never shown to staff before the
audited reveal (bug: the form accepted `430626 19750505 4321` and the log kept it as typed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy import select

from bot.config import Settings
from bot.flows.request.fields import id_check_digit
from storage.database import Database
from storage.models import LoggedMessage
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.privacy.typed import digits, full_width
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.paths import FIXTURE_KB

pytestmark = pytest.mark.asyncio(loop_scope="module")

ID = "43062619750505432" + id_check_digit("43062619750505432")
PHONE = "13912345678"


def spaced(text: str, *groups: int, sep: str = " ") -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(text[start : start + size])
        start += size
    return sep.join([*parts, text[start:]] if start < len(text) else parts)


TYPED_IDS = [
    spaced(ID, 6, 8),
    spaced(ID, 6, 8, sep="-"),
    spaced(ID, 4, 4, 4, 4, sep="."),
    full_width(ID),
    full_width(spaced(ID, 6, 8)),
    full_width(ID[:6]) + " " + ID[6:10] + "-" + ID[10:14] + " " + full_width(ID[14:]),
]
TYPED_PHONES = [
    spaced(PHONE, 3, 4, sep="-"),
    spaced(PHONE, 3, 4),
    "+86 " + spaced(PHONE, 3, 4),
    "+86-" + PHONE,
    full_width(PHONE),
    spaced(PHONE, 3, 4, sep="."),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, Database]]:
    folder: Path = tmp_path_factory.mktemp("typed")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        policies_dir=FIXTURE_KB,
        watch_policies=False,
        data_key=SecretStr(TEST_DATA_KEY),
        limit_chat_per_address=10_000,
        limit_tickets_per_address=10_000,
    )
    async with console_server(settings, Clock()) as running:
        await add_staff(running[1], "li", "county", "admin")
        yield running


class Browser:
    """A web chat user: their own cookie, fresh message ids."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client, self.sent = client, 0

    async def send(self, **body: str) -> str:
        self.sent += 1
        response = await self.client.post("/api/chat", json={"message_id": f"m{self.sent}", **body})
        assert response.status_code == 200, response.text
        return "\n".join(r["text"] for r in response.json()["replies"])

    async def history(self) -> list[str]:
        return [m["text"] for m in (await self.client.get("/api/history")).json()["messages"]]


@pytest_asyncio.fixture(loop_scope="module")
async def user(server: tuple[str, Database]) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(base_url=server[0]) as client:
        yield Browser(client)


async def logged(database: Database) -> list[str]:
    async with database.transaction() as session:
        return list(await session.scalars(select(LoggedMessage.text)))


async def fill_form(user: Browser, id_typed: str, phone_typed: str) -> None:
    assert "乡镇" in await user.send(payload="request:preferential_card")
    assert "同意" in await user.send(text="童市")
    assert "姓名" in await user.send(text="同意")
    assert "身份证号码" in await user.send(text="张三")
    assert "手机号码" in await user.send(text=id_typed)
    assert "办理哪一项" in await user.send(text=phone_typed)


@pytest.mark.parametrize(
    ("id_typed", "phone_typed"), list(zip(TYPED_IDS, TYPED_PHONES, strict=True))
)
async def test_a_form_answer_is_logged_as_the_masked_value_never_as_typed(
    user: Browser, server: tuple[str, Database], id_typed: str, phone_typed: str
) -> None:
    await fill_form(user, id_typed, phone_typed)
    mine = await user.history()
    assert f"4306**********{ID[-4:]}" in mine and "139****5678" in mine
    for text in [*mine, *await logged(server[1])]:
        assert ID not in digits(text) and ID[6:14] not in digits(text), text
        assert PHONE not in digits(text) and digits(phone_typed) not in digits(text), text


async def test_a_refused_id_number_leaves_no_digit_in_the_log(
    user: Browser, server: tuple[str, Database]
) -> None:
    await fill_form(user, TYPED_IDS[0], TYPED_PHONES[0])
    await user.send(text="返回")
    await user.send(text="返回")  # back at the ID number
    typo = spaced(ID[:-1], 6, 8)  # a digit short: refused, yet nearly the whole number
    assert "18" in await user.send(text=f"我的是{typo}")
    assert "我的是****** ******** ***" in await user.history()
    assert not any(ID[:-1] in digits(text) for text in await logged(server[1]))


async def test_staff_see_numbers_typed_in_chat_masked_until_the_audited_reveal(
    user: Browser, server: tuple[str, Database]
) -> None:
    url, _database = server
    await user.send(text="转人工")
    said = f"我的身份证{spaced(ID, 6, 8)}，电话{spaced(PHONE, 3, 4, sep='-')}，请回电"
    await user.send(text=said)
    member = await Member.login(url, "li")
    try:
        tickets = (await member.get("/api/staff/queue")).json()["tickets"]
        ticket = max(tickets, key=lambda t: int(t["id"]))  # this user's, the newest
        detail = (await member.get(f"/api/staff/tickets/{ticket['id']}")).json()
        words = [m["text"] for m in detail["messages"] if m["sender"] == "user"]
        masked = f"我的身份证4306**********{ID[-4:]}，电话139****5678，请回电"
        assert masked in words
        revealed = (await member.post(f"/api/staff/tickets/{ticket['id']}/reveal")).json()
        shown = [m["text"] for m in revealed["messages"] if m["sender"] == "user"]
        # The phone is there to call back; the ID number was never stored whole.
        assert f"我的身份证4306**********{ID[-4:]}，电话139-1234-5678，请回电" in shown
    finally:
        await member.close()
    assert not any(ID in digits(text) for text in await user.history())
