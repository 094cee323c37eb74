"""Who sees what, as a matrix: every role at every station against every station's ticket,
through the pages and the API. A member sees their station and those below it; an admin sees
everything; anything else answers 404 — the same as a ticket that does not exist — and is left
unchanged."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from consoles import MONDAY_10, Clock, Member, add_staff, console_server

from bot.config import Settings
from bot.staff.desk import Desk
from bot.staff.intake import open_or_join
from policies.loader import load
from storage.database import Database
from storage.repositories.conversations import Conversations
from storage.repositories.tickets import Tickets

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
        self.members: dict[tuple[str, str], Member] = {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    import shutil

    from conftest import FIXTURE_KB

    folder = tmp_path_factory.mktemp("matrix")
    shutil.copytree(FIXTURE_KB, folder / "policies")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        policies_dir=folder / "policies",
        watch_policies=False,
    )
    desk = Desk.of(load(settings.policies_dir), settings)
    async with console_server(settings, Clock()) as (url, database):
        tickets = {}
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
        world = World(url, database, tickets)
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
