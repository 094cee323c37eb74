"""The main menu and the policy browser (categories, then the entries of one category)."""

from __future__ import annotations

from bot.conversation.payloads import (
    Categories,
    Category,
    Handoff,
    Languages,
    Link,
    Menu,
    MyData,
    NewBooking,
    Payload,
    ReadEntry,
    Request,
    Status,
    Town,
    build,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from policies.schema import Entry

# Every capability, in menu order: (catalogue key, payload). `options.py` handles each payload.
_ITEMS: tuple[tuple[str, Payload], ...] = (
    ("menu.policy", Categories()),
    ("menu.request", Request()),
    ("menu.booking", NewBooking()),
    ("menu.status", Status()),
    ("menu.handoff", Handoff()),
    ("menu.town", Town()),
    ("menu.language", Languages()),
    ("menu.mydata", MyData()),
    ("menu.link", Link()),  # last: earlier items keep their digits
)
MAIN_MENU = tuple((key, build(payload)) for key, payload in _ITEMS)  # as the options carry them


def main_menu(turn: Turn, *before: str) -> Outbound:
    turn.outcome = "menu"
    options = [turn.option(key, payload) for key, payload in _ITEMS]
    return turn.reply(*before, turn.text("menu.title"), turn.text("menu.hint"), options=options)


def servable(turn: Turn, category: str | None = None) -> list[Entry]:
    """Entries in force today, optionally of one category, in knowledge-base order."""
    return [
        entry
        for entry in turn.kb.entries
        if entry.is_valid_on(turn.today) and (category is None or entry.category == category)
    ]


def entry_title(turn: Turn, entry: Entry) -> str:
    return entry.en.title if turn.english and entry.en else entry.title


def categories(turn: Turn) -> Outbound:
    turn.outcome = "menu"
    present = {entry.category for entry in servable(turn)}
    options = [
        option(text.en if turn.english else text.zh, Category(category))
        for category, text in turn.kb.categories.items()
        if category in present
    ]
    return turn.reply(
        turn.text("policy.choose_category"), options=[*options, turn.option("menu.back", Menu())]
    )


def category(turn: Turn, category_id: str) -> Outbound | None:
    """The entries of one category to pick from; None when the category does not exist."""
    names = turn.kb.categories.get(category_id)
    if names is None:
        return None
    turn.outcome = "menu"
    entries = servable(turn, category_id)
    back = [turn.option("menu.policy", Categories()), turn.option("menu.back", Menu())]
    if not entries:
        return turn.reply(turn.text("policy.empty_category"), options=back)
    options = [option(entry_title(turn, entry), ReadEntry(entry.id)) for entry in entries]
    title = names.en if turn.english else names.zh
    return turn.reply(turn.text("policy.choose_entry", category=title), options=[*options, *back])
