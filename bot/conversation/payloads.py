"""Option payloads: the one grammar of what a picked option carries, parsed into types.

    menu                      Menu()                    the main menu
    policy                    Categories()              the policy categories
    cat:<category>            Category(category)        the entries of one category
    entry:<entry id>          ReadEntry(entry_id)       an entry's answer
    request                   Request()                 the request types to pick from
    request:<type>            Request(type_id)          that type's form
    booking                   NewBooking()
    booking:cancel:<number>   ChangeBooking("cancel", number)
    booking:move:<number>     ChangeBooking("move", number)
    status                    Status()                  the user's requests and bookings
    handoff                   Handoff()                 a person, at the user's own station
    handoff:<entry id>        Handoff(entry_id)         a person for that entry's matter
    rate:<ticket id>:<1-5>    Rate(ticket_id, stars)
    helped:<entry id>:<yes|no> Helped(entry_id, helped) the veteran's verdict on an answer
    town                      Town()                    setting the user's town
    language                  Languages()
    lang:<zh|en>              SetLanguage(language)
    link                      Link()                    a code for linking another channel
    mydata                    MyData()                  a copy or deletion of the user's data
    link:<yes|no>             LinkAnswer(allow)         allowing the link another channel asked for
    guide:<guide id>          Guide(guide_id)           an eligibility guide (policies/guides.yaml)
    flow:<flow>:<value>       FlowOption(flow, value)   an option a flow offered, values below

Every flow with steps understands `back` and `cancel`; each has values of its own:

    town      <station>                  TownPick
    request   yes, no, proxy, submit,    Command
              fix, skip
              town:<station>             TownPick
              f:<field>                  FieldPick
              c:<choice number>          ChoicePick (from 0)
              s:<station>                StationPick
    booking   confirm, yes, no, proxy    Command
              c:<choice number>          ChoicePick (from 0)
              v:<service>                ServicePick
              st:<station>               StationPick
              d:<YYYY-MM-DD>             DayPick
              sl:<slot>                  SlotPick
    handoff   none: it offers no options of its own (ratings are `rate:`)
    guide     c:<number>                 ChoicePick (from 0): a question's answer, or the
                                         outcome's next step (its form, filled in)
    feedback  skip                       Command (not saying what an answer lacked)

Anything else parses as `Unknown`. No menu of ours makes one, so it is a bug or a forged button,
not an old menu: callers log it before answering as they would a stale option.

Telegram carries a payload over 64 bytes as a `#` token (`render.button_data` builds it);
`picked_option` maps a token back to the option that was offered.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from bot.conversation.types import Option
from bot.messages import LANGUAGES, Language

FlowName = Literal["town", "request", "booking", "handoff", "feedback", "guide"]
FLOW_NAMES: tuple[FlowName, ...] = ("town", "request", "booking", "handoff", "feedback", "guide")
CommandName = Literal[
    "back", "cancel", "yes", "no", "proxy", "submit", "fix", "skip", "confirm", "resume", "keep"
]
STARS = range(1, 6)
TOKEN_PREFIX = "#"
_CHANGES: tuple[Literal["cancel", "move"], ...] = ("cancel", "move")
_NUMBER = re.compile(r"[0-9]{1,9}")
_ANSWERS = {True: "yes", False: "no"}

_COMMANDS: dict[FlowName, tuple[CommandName, ...]] = {
    "town": ("back", "cancel", "resume"),
    "request": ("back", "cancel", "yes", "no", "proxy", "submit", "fix", "skip", "resume", "keep"),
    "booking": ("back", "cancel", "confirm", "resume", "yes", "no", "proxy", "keep"),
    "handoff": (),
    "guide": ("back", "cancel", "resume"),
    "feedback": ("cancel", "skip", "resume"),
}


@dataclass(frozen=True, slots=True)
class Menu:
    pass


@dataclass(frozen=True, slots=True)
class Categories:
    pass


@dataclass(frozen=True, slots=True)
class Category:
    category: str


@dataclass(frozen=True, slots=True)
class ReadEntry:
    entry_id: str


@dataclass(frozen=True, slots=True)
class Request:
    type_id: str = ""  # none: the list of types


@dataclass(frozen=True, slots=True)
class NewBooking:
    pass


@dataclass(frozen=True, slots=True)
class ChangeBooking:
    action: Literal["cancel", "move"]
    number: str


@dataclass(frozen=True, slots=True)
class Status:
    pass


@dataclass(frozen=True, slots=True)
class Handoff:
    entry_id: str = ""  # none: the user's own station, for no particular matter


@dataclass(frozen=True, slots=True)
class Rate:
    ticket_id: int
    stars: int


@dataclass(frozen=True, slots=True)
class Helped:
    """有帮助 (True) or 没帮助 (False), said of the answer with entry `entry_id`."""

    entry_id: str
    helped: bool


@dataclass(frozen=True, slots=True)
class Town:
    pass


@dataclass(frozen=True, slots=True)
class Languages:
    pass


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: Language


@dataclass(frozen=True, slots=True)
class Link:
    pass


@dataclass(frozen=True, slots=True)
class MyData:
    """The user asks what we hold about them, for a copy or its deletion (我的数据)."""


@dataclass(frozen=True, slots=True)
class LinkAnswer:
    """The issuing side's answer when its link code was typed on another channel."""

    allow: bool


@dataclass(frozen=True, slots=True)
class Guide:
    """An eligibility guide, to run (`policies/guides.yaml`)."""

    guide_id: str


@dataclass(frozen=True, slots=True)
class Command:
    """A flow's option that names what to do: go back, cancel, agree, submit…"""

    name: CommandName


@dataclass(frozen=True, slots=True)
class TownPick:
    station_id: str


@dataclass(frozen=True, slots=True)
class FieldPick:
    """The form field to correct, from the summary."""

    name: str


@dataclass(frozen=True, slots=True)
class ChoicePick:
    index: int


@dataclass(frozen=True, slots=True)
class StationPick:
    station_id: str


@dataclass(frozen=True, slots=True)
class ServicePick:
    service: str


@dataclass(frozen=True, slots=True)
class DayPick:
    day: date


@dataclass(frozen=True, slots=True)
class SlotPick:
    slot: str


FlowValue = (
    Command | TownPick | FieldPick | ChoicePick | StationPick | ServicePick | DayPick | SlotPick
)


@dataclass(frozen=True, slots=True)
class FlowOption:
    flow: FlowName
    value: FlowValue


@dataclass(frozen=True, slots=True)
class Unknown:
    """A payload the grammar does not know."""

    payload: str


# Where an option leads, other than a flow's own options.
Destination = (
    Menu
    | Categories
    | Category
    | ReadEntry
    | Request
    | NewBooking
    | ChangeBooking
    | Status
    | Handoff
    | Rate
    | Helped
    | Town
    | Languages
    | SetLanguage
    | Link
    | LinkAnswer
    | Guide
    | MyData
)
Payload = Destination | FlowOption

_BARE: dict[str, Payload] = {
    "menu": Menu(),
    "policy": Categories(),
    "request": Request(),
    "booking": NewBooking(),
    "status": Status(),
    "handoff": Handoff(),
    "town": Town(),
    "language": Languages(),
    "link": Link(),
    "mydata": MyData(),
}
_NAMED = TypeVar("_NAMED", bound=str)


def parse(payload: str) -> Payload | Unknown:
    """What `payload` asks for; `Unknown` when it is not in the grammar."""
    if payload in _BARE:
        return _BARE[payload]
    kind, _, rest = payload.partition(":")
    parsed = _with_argument(kind, rest) if rest else None
    return Unknown(payload) if parsed is None else parsed


def build(payload: Payload) -> str:
    """The payload text an option carries: `parse(build(p)) == p`."""
    match payload:
        case Category(category):
            return f"cat:{category}"
        case ReadEntry(entry_id):
            return f"entry:{entry_id}"
        case Request(type_id) if type_id:
            return f"request:{type_id}"
        case ChangeBooking(action, number):
            return f"booking:{action}:{number}"
        case Handoff(entry_id) if entry_id:
            return f"handoff:{entry_id}"
        case Rate(ticket_id, stars):
            return f"rate:{ticket_id}:{stars}"
        case Helped(entry_id, helped):
            return f"helped:{entry_id}:{_ANSWERS[helped]}"
        case SetLanguage(language):
            return f"lang:{language}"
        case LinkAnswer(allow):
            return f"link:{_ANSWERS[allow]}"
        case Guide(guide_id):
            return f"guide:{guide_id}"
        case FlowOption(flow, value):
            return f"flow:{flow}:{_flow_text(flow, value)}"
    return next(text for text, bare in _BARE.items() if bare == payload)


def option(label: str, payload: Payload) -> Option:
    """An option labelled `label` that picks `payload`."""
    return Option(label, build(payload))


def token(payload: str) -> str:
    """A short deterministic stand-in for `payload`: `#` and 22 characters of its SHA-256."""
    digest = hashlib.sha256(payload.encode("utf-8")).digest()[:16]
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_token(received: str) -> bool:
    return received.startswith(TOKEN_PREFIX)


def picked_option(received: str, options: Iterable[Option]) -> Option | None:
    """The offered option a button press stands for: its payload, or the token made of it.
    None when it matches none of them (a button from an older menu)."""
    for offered in options:
        if received in (offered.payload, token(offered.payload)):
            return offered
    return None


def _with_argument(kind: str, rest: str) -> Payload | None:
    match kind:
        case "cat":
            return Category(rest)
        case "entry":
            return ReadEntry(rest)
        case "request":
            return Request(rest)
        case "handoff":
            return Handoff(rest)
        case "guide":
            return Guide(rest)
        case "lang":
            language = _one_of(rest, LANGUAGES)
            return SetLanguage(language) if language else None
        case "booking":
            action, _, number = rest.partition(":")
            change = _one_of(action, _CHANGES)
            return ChangeBooking(change, number) if change and number else None
        case "link":
            answer = next((allow for allow, word in _ANSWERS.items() if word == rest), None)
            return None if answer is None else LinkAnswer(answer)
        case "helped":
            entry_id, _, said = rest.rpartition(":")
            helped = next((yes for yes, word in _ANSWERS.items() if word == said), None)
            return None if helped is None or not entry_id else Helped(entry_id, helped)
        case "rate":
            ticket, _, stars = rest.partition(":")
            ticket_id, count = _number(ticket), _number(stars)
            if ticket_id is None or count is None or count not in STARS:
                return None
            return Rate(ticket_id, count)
        case "flow":
            name, _, value = rest.partition(":")
            flow = _one_of(name, FLOW_NAMES)
            picked = _flow_value(flow, value) if flow else None
            return FlowOption(flow, picked) if flow and picked else None
    return None


def _flow_value(flow: FlowName, value: str) -> FlowValue | None:
    command = _one_of(value, _COMMANDS[flow])
    if command is not None:
        return Command(command)
    if flow == "town":
        return TownPick(value) if value else None
    key, _, rest = value.partition(":")
    if not rest:
        return None
    match flow, key:
        case "request", "town":
            return TownPick(rest)
        case "request", "f":
            return FieldPick(rest)
        case "request" | "booking" | "guide", "c":
            index = _number(rest)
            return ChoicePick(index) if index is not None else None
        case "request", "s":
            return StationPick(rest)
        case "booking", "v":
            return ServicePick(rest)
        case "booking", "st":
            return StationPick(rest)
        case "booking", "d":
            return _day(rest)
        case "booking", "sl":
            return SlotPick(rest)
    return None


def _flow_text(flow: FlowName, value: FlowValue) -> str:
    match flow, value:
        case _, Command(name) if name in _COMMANDS[flow]:
            return name
        case "town", TownPick(station_id):
            return station_id
        case "request", TownPick(station_id):
            return f"town:{station_id}"
        case "request", FieldPick(name):
            return f"f:{name}"
        case "request" | "booking" | "guide", ChoicePick(index):
            return f"c:{index}"
        case "request", StationPick(station_id):
            return f"s:{station_id}"
        case "booking", ServicePick(service):
            return f"v:{service}"
        case "booking", StationPick(station_id):
            return f"st:{station_id}"
        case "booking", DayPick(day):
            return f"d:{day.isoformat()}"
        case "booking", SlotPick(slot):
            return f"sl:{slot}"
    raise ValueError(f"flow '{flow}' offers no option {value!r}")


def _day(text: str) -> DayPick | None:
    try:
        return DayPick(date.fromisoformat(text))
    except ValueError:
        return None


def _number(text: str) -> int | None:
    return int(text) if _NUMBER.fullmatch(text) else None


def _one_of(text: str, names: tuple[_NAMED, ...]) -> _NAMED | None:
    """`text` as one of `names` (typed as they are), or None."""
    return next((name for name in names if name == text), None)
