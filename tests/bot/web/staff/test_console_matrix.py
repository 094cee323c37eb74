"""Who sees what, as a matrix: every role at every station against every station's ticket,
through the pages and the API. A member sees their station and those below it; an admin sees
everything; anything else answers 404 — the same as a ticket that does not exist — and is left
unchanged."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from bot.config import Settings
from bot.staff.desk import Desk
from bot.staff.intake import open_or_join
from policies.loader import load
from storage.database import Database
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.conversations import Conversations
from storage.repositories.requests import Requests
from storage.repositories.tickets import Tickets
from tests.bot.web.consoles import MONDAY_10, Clock, Member, add_staff, console_server
from tests.paths import FIXTURE_KB

STATIONS = ("county", "tongshi", "wukou", "tongshi_village")  # the fixture's tree
ROLES = ("staff", "station_head", "admin")
BELOW = {
    "county": set(STATIONS),
    "tongshi": {"tongshi", "tongshi_village"},
    "wukou": {"wukou"},
    "tongshi_village": {"tongshi_village"},
}
pytestmark = pytest.mark.asyncio(loop_scope="module")


def sees(role: str, station: str, ticket_station: str) -> bool:
    return role == "admin" or ticket_station in BELOW[station]


class World:
    def __init__(self, url: str, database: Database, tickets: dict[str, int]) -> None:
        self.url, self.database, self.tickets = url, database, tickets
        self.requests: dict[str, str] = {}  # station → request number
        self.bookings: dict[str, str] = {}  # station → booking number
        self.members: dict[tuple[str, str], Member] = {}


async def _casework(world: World, station: str, user_id: int, chat: str) -> None:
    """A request and a booking at `station` by the user of that station's ticket."""
    async with world.database.transaction() as session:
        filed = await Requests(session).file(
            prefix="PJ",
            year=2025,
            user_id=user_id,
            type_id="preferential_card",
            station_id=station,
            answers={"name": f"来自{station}", "phone": "13812345678"},
            language="zh",
            channel="web",
            chat_id=chat,
            external_user_id=chat,
        )
        contact = Contact(user_id, "zh", "web", chat, chat)
        place = Place(station, MONDAY_10.date() + timedelta(days=1), "上午")
        visit = await Bookings(session).book(
            place, 5, number_prefix="PJY", service="优待证", contact=contact, remind_at=None
        )
        assert visit is not None
    world.requests[station], world.bookings[station] = filed.number, visit.number


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copytree(FIXTURE_KB, folder / "policies")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        policies_dir=folder / "policies",
        watch_policies=False,
    )
    desk = Desk.of(load(settings.policies_dir), settings)
    async with console_server(settings, Clock()) as (url, database):
        tickets, users = {}, {}
        for station in STATIONS:
            async with database.transaction() as session:
                state = await Conversations(session).open("web", f"u-{station}", f"u-{station}")
                opened = await open_or_join(
                    session,
                    desk,
                    conversation_id=state.id,
                    user_id=state.user_id,
                    station=desk.kb.station(station),  # type: ignore[arg-type]
                    category="asked",
                    reason="asked",
                    urgent=False,
                    summary=f"来自{station}",
                    now=MONDAY_10,
                )
                tickets[station] = opened.ticket.id
                users[station] = state.user_id
        world = World(url, database, tickets)
        for station in STATIONS:
            await _casework(world, station, users[station], f"u-{station}")
        for station, role in itertools.product(STATIONS, ROLES):
            await add_staff(database, f"{role}.{station}", station, role)
            world.members[station, role] = await Member.login(url, f"{role}.{station}")
        try:
            yield world
        finally:
            for member in world.members.values():
                await member.close()


CASES = list(itertools.product(STATIONS, ROLES))


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_the_queue_lists_exactly_what_the_member_sees(
    world: World, station: str, role: str
) -> None:
    member = world.members[station, role]
    listed = {
        t["id"] for t in (await member.get("/api/staff/queue?view=waiting")).json()["tickets"]
    }
    expected = {world.tickets[s] for s in STATIONS if sees(role, station, s)}
    assert listed == expected
    counts = (await member.get("/api/staff/queue")).json()["counts"]
    assert counts["waiting"] == len(expected)


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_each_ticket_through_pages_and_api(world: World, station: str, role: str) -> None:
    member = world.members[station, role]
    for ticket_station, ticket in world.tickets.items():
        visible = sees(role, station, ticket_station)
        expected = 200 if visible else 404
        reads = {
            "api": (await member.get(f"/api/staff/tickets/{ticket}")).status_code,
            "page": (await member.get(f"/staff/tickets/{ticket}")).status_code,
            "reveal": (await member.post(f"/api/staff/tickets/{ticket}/reveal")).status_code,
        }
        assert reads == dict.fromkeys(reads, expected), (ticket_station, reads)
        if visible:
            continue
        page = await member.get(f"/staff/tickets/{ticket}")
        assert f"来自{ticket_station}" not in page.text
        writes = {
            "claim": await member.post(f"/api/staff/tickets/{ticket}/claim"),
            "reply": await member.post(f"/api/staff/tickets/{ticket}/reply", {"text": "x"}),
            "transfer": await member.post(
                f"/api/staff/tickets/{ticket}/transfer", {"station_id": station}
            ),
            "resolve": await member.post(f"/api/staff/tickets/{ticket}/resolve", {"note": "x"}),
            "reopen": await member.post(f"/api/staff/tickets/{ticket}/reopen"),
        }
        assert {k: r.status_code for k, r in writes.items()} == dict.fromkeys(writes, 404)
        assert all(r.json() == writes["claim"].json() for r in writes.values())  # no hint
    missing = await member.get("/api/staff/tickets/9999")
    assert missing.status_code == 404


async def test_nothing_changed_hands(world: World) -> None:
    async with world.database.transaction() as session:
        found = await Tickets(session).queue(None, ("waiting", "live", "resolved"))
    assert {(t.station_id, t.status, t.claimed_by) for t in found} == {
        (station, "waiting", None) for station in STATIONS
    }


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_audit_log_only_heads_and_admins_and_only_their_stations(
    world: World, station: str, role: str
) -> None:
    member = world.members[station, role]
    response = await member.get("/api/staff/audit")
    page = await member.get("/staff/audit")
    if role == "staff":
        assert (response.status_code, page.status_code) == (404, 404)
        return
    assert (response.status_code, page.status_code) == (200, 200)
    shown = {entry["station_id"] for entry in response.json()}
    allowed = set(STATIONS) if role == "admin" else BELOW[station]
    assert shown and shown <= allowed


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_ratings_only_of_stations_the_member_sees(
    world: World, station: str, role: str
) -> None:
    async with world.database.transaction() as session:
        for ticket in await Tickets(session).queue(None, ("waiting", "resolved")):
            ticket.status, ticket.rating = "resolved", 3
    member = world.members[station, role]
    shown = {r["station_id"] for r in (await member.get("/api/staff/ratings")).json()}
    assert shown == {s for s in STATIONS if sees(role, station, s)}


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_requests_and_bookings_lists_hold_only_what_the_member_sees(
    world: World, station: str, role: str
) -> None:
    member = world.members[station, role]
    requests = {r["number"] for r in (await member.get("/api/staff/requests")).json()}
    bookings = {v["number"] for v in (await member.get("/api/staff/bookings")).json()}
    seen = [s for s in STATIONS if sees(role, station, s)]
    assert requests == {world.requests[s] for s in seen}
    assert bookings == {world.bookings[s] for s in seen}


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_each_request_and_booking_through_pages_and_api(
    world: World, station: str, role: str
) -> None:
    member = world.members[station, role]
    for other in STATIONS:
        number, booking = world.requests[other], world.bookings[other]
        expected = 200 if sees(role, station, other) else 404
        reads = {
            "api": (await member.get(f"/api/staff/requests/{number}")).status_code,
            "page": (await member.get(f"/staff/requests/{number}")).status_code,
            "reveal": (await member.post(f"/api/staff/requests/{number}/reveal")).status_code,
        }
        assert reads == dict.fromkeys(reads, expected), (other, reads)
        if expected == 200:
            continue
        moved = await member.post(f"/api/staff/requests/{number}/state", {"state": "accepted"})
        ended = await member.post(f"/api/staff/bookings/{booking}/state", {"state": "no_show"})
        assert (moved.status_code, ended.status_code) == (404, 404)
        assert moved.json() == ended.json()  # nothing tells a hidden one from a missing one


@pytest.mark.parametrize(("station", "role"), CASES)
async def test_a_tickets_page_shows_only_the_users_matters_the_member_sees(
    world: World, station: str, role: str
) -> None:
    member = world.members[station, role]
    for other, ticket in world.tickets.items():
        if not sees(role, station, other):
            continue
        detail = (await member.get(f"/api/staff/tickets/{ticket}")).json()
        assert [r["number"] for r in detail["requests"]] == [world.requests[other]]
        assert [v["number"] for v in detail["bookings"]] == [world.bookings[other]]


async def test_no_request_or_booking_changed(world: World) -> None:
    async with world.database.transaction() as session:
        for station in STATIONS:
            filed = await Requests(session).get(world.requests[station])
            visit = await Bookings(session).get(world.bookings[station])
            assert filed is not None and filed.state == "submitted"
            assert visit is not None and visit.state == "booked"
