"""The payload grammar: every kind parses to its type and builds back; anything else is Unknown."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.conversation.payloads import (
    Categories,
    Category,
    ChangeBooking,
    ChoicePick,
    Command,
    DayPick,
    FieldPick,
    FlowOption,
    Handoff,
    Languages,
    Link,
    Menu,
    NewBooking,
    Payload,
    Rate,
    ReadEntry,
    Request,
    ServicePick,
    SetLanguage,
    SlotPick,
    StationPick,
    Status,
    Town,
    TownPick,
    Unknown,
    build,
    parse,
    picked_option,
    token,
)
from bot.conversation.types import Option
from bot.flows import FLOWS
from bot.flows.handoff import HandoffFlow
from bot.staff.intake import HANDOFF
from tests.bot.chatting import Chat, payloads

EVERY_KIND: list[tuple[str, Payload]] = [
    ("menu", Menu()),
    ("policy", Categories()),
    ("cat:preferential", Category("preferential")),
    ("entry:preferential.card", ReadEntry("preferential.card")),
    ("request", Request()),
    ("request:callback", Request("callback")),
    ("booking", NewBooking()),
    ("booking:cancel:PJY-2026-000001", ChangeBooking("cancel", "PJY-2026-000001")),
    ("booking:move:PJY-2026-000001", ChangeBooking("move", "PJY-2026-000001")),
    ("status", Status()),
    ("handoff", Handoff()),
    ("handoff:preferential.card", Handoff("preferential.card")),
    ("rate:12:5", Rate(12, 5)),
    ("town", Town()),
    ("language", Languages()),
    ("lang:en", SetLanguage("en")),
    ("link", Link()),
    ("flow:town:tongshi", FlowOption("town", TownPick("tongshi"))),
    ("flow:town:back", FlowOption("town", Command("back"))),
    ("flow:request:yes", FlowOption("request", Command("yes"))),
    ("flow:request:skip", FlowOption("request", Command("skip"))),
    ("flow:request:town:tongshi", FlowOption("request", TownPick("tongshi"))),
    ("flow:request:f:phone", FlowOption("request", FieldPick("phone"))),
    ("flow:request:c:0", FlowOption("request", ChoicePick(0))),
    ("flow:request:s:wukou", FlowOption("request", StationPick("wukou"))),
    ("flow:booking:confirm", FlowOption("booking", Command("confirm"))),
    ("flow:booking:cancel", FlowOption("booking", Command("cancel"))),
    ("flow:booking:v:优待证", FlowOption("booking", ServicePick("优待证"))),
    ("flow:booking:st:tongshi", FlowOption("booking", StationPick("tongshi"))),
    ("flow:booking:d:2026-09-21", FlowOption("booking", DayPick(date(2026, 9, 21)))),
    ("flow:booking:sl:上午", FlowOption("booking", SlotPick("上午"))),
]


@pytest.mark.parametrize(("text", "payload"), EVERY_KIND)
def test_every_kind_parses_to_its_type_and_builds_back(text: str, payload: Payload) -> None:
    assert parse(text) == payload
    assert build(payload) == text


@pytest.mark.parametrize(
    "text",
    [
        "zzz",
        "",
        "menu:x",  # a bare kind with an argument
        "cat:",
        "entry:",
        "kb:preferential.card",  # a wrong prefix is not a stale entry
        "lang:fr",
        "booking:delete:PJY-2026-000001",
        "booking:cancel:",
        "rate:1:6",
        "rate:x:1",
        "rate:1:²",
        "flow:retired:x",
        "flow:town:",
        "flow:request:confirm",  # the booking's word, not the form's
        "flow:request:c:x",
        "flow:request:v:优待证",  # a booking's value in the form
        "flow:booking:d:2026-02-30",
        "flow:booking:d:soon",
        "flow:booking:st:",
        "flow:handoff:cancel",  # the handoff flow offers no options
    ],
)
def test_anything_else_is_unknown(text: str) -> None:
    assert parse(text) == Unknown(text)


def test_a_value_a_flow_does_not_offer_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="flow 'booking' offers no option"):
        build(FlowOption("booking", FieldPick("phone")))


def test_a_token_maps_back_to_the_option_it_stands_for() -> None:
    offered = [Option("甲", "menu"), Option("乙", "flow:request:town:tongshi")]
    assert picked_option(token("flow:request:town:tongshi"), offered) == offered[1]
    assert picked_option("menu", offered) == offered[0]
    assert picked_option(token("status"), offered) is None


def test_handoff_is_a_flow_registered_like_the_others() -> None:
    assert isinstance(FLOWS["handoff"], HandoffFlow)
    assert HandoffFlow.name == HANDOFF  # the name staff write when they resolve a ticket


async def test_an_unknown_payload_is_logged_then_answered_as_stale(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.pick("town")
    with caplog.at_level(logging.WARNING, logger="bot.conversation.options"):
        reply = await chat.pick("kb:preferential.card")
    assert "已经失效" in reply.text and "policy" in payloads(reply)
    assert "kb:preferential.card" in caplog.text
    assert (await chat.state()).flow == "town"  # a bug's button does not throw the flow away


async def test_a_stale_payload_is_not_logged_as_unknown(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.conversation.options"):
        reply = await chat.pick("entry:nope.nothing")
    assert "已经失效" in reply.text and caplog.text == ""
