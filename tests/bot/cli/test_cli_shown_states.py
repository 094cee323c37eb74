"""`vetbot requests list` says which states it shows and how to see the others (issue #17: it
silently showed submitted requests only); `vetbot bookings list` shows who is coming."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.chatting import Chat
from tests.bot.cli.running import vetbot
from tests.bot.filing import PHONE, book_a_visit, file_card_request


async def test_the_list_says_which_states_it_shows(tmp_path: Path, chat: Chat) -> None:
    waiting = await file_card_request(chat)
    accepted = await file_card_request(chat)
    moved = vetbot(tmp_path, "requests", "state", accepted, "accepted", "--actor", "li")
    assert moved.returncode == 0, moved.stderr

    listed = vetbot(tmp_path, "requests", "list", "--station", "tongshi")
    assert listed.returncode == 0, listed.stderr
    assert "1 request(s) at tongshi in state submitted." in listed.stdout
    assert "Not shown: accepted, in_progress, done, rejected." in listed.stdout
    assert "--state STATE (repeat for several) or --all" in listed.stdout
    assert waiting in listed.stdout and accepted not in listed.stdout

    chosen = vetbot(tmp_path, "requests", "list", "--station", "tongshi", "--state", "accepted")
    assert accepted in chosen.stdout and waiting not in chosen.stdout

    everything = vetbot(tmp_path, "requests", "list", "--station", "tongshi", "--all")
    assert waiting in everything.stdout and accepted in everything.stdout
    assert "Not shown" not in everything.stdout


def test_the_help_says_what_is_shown_without_options(tmp_path: Path) -> None:
    helped = vetbot(tmp_path, "requests", "list", "--help")
    assert helped.returncode == 0, helped.stderr
    text = " ".join(helped.stdout.split())
    assert "--all" in text and "submitted only" in text and "--state" in text


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("requests", "list", "--station", "nowhere"), "No station 'nowhere'"),
        (("requests", "list", "--state", "lost"), "No state lost."),
        (("bookings", "list", "--station", "nowhere"), "No station 'nowhere'"),
    ],
)
def test_an_unknown_station_or_state_is_said(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    refused = vetbot(tmp_path, *args)
    assert refused.returncode == 2 and said in refused.stderr


async def test_a_booking_shows_who_is_coming_masked(tmp_path: Path, chat: Chat) -> None:
    number = await file_card_request(chat)
    if await book_a_visit(chat) is None:
        pytest.skip("the holiday calendar offers no day to book in the coming weeks")

    listed = vetbot(tmp_path, "bookings", "list", "--station", "tongshi")
    assert listed.returncode == 0, listed.stderr
    assert f"张三 · 139****5678 (request {number})" in listed.stdout
    assert PHONE not in listed.stdout
