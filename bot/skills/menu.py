"""The main menu and the policy browser (categories, then the entries of one category)."""

from __future__ import annotations

from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from policies.schema import Entry

# Every capability, in menu order: (catalogue key, payload). `choices.py` handles each payload.
MAIN_MENU = (
    ("menu.policy", "policy"),
    ("menu.request", "request"),
    ("menu.booking", "booking"),
    ("menu.status", "status"),
    ("menu.handoff", "handoff"),
    ("menu.town", "town"),
    ("menu.language", "language"),
    ("menu.link", "link"),  # last: earlier items keep their digits
)


def main_menu(turn: Turn, *before: str) -> Outbound:
    turn.outcome = "menu"
    options = [turn.option(key, payload) for key, payload in MAIN_MENU]
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
        Option(text.en if turn.english else text.zh, f"cat:{category}")
        for category, text in turn.kb.categories.items()
        if category in present
    ]
    return turn.reply(
        turn.text("policy.choose_category"), options=[*options, turn.option("menu.back", "menu")]
    )


def category(turn: Turn, category_id: str) -> Outbound | None:
    """The entries of one category to pick from; None when the category does not exist."""
    names = turn.kb.categories.get(category_id)
    if names is None:
        return None
    turn.outcome = "menu"
    entries = servable(turn, category_id)
    back = [turn.option("menu.policy", "policy"), turn.option("menu.back", "menu")]
    if not entries:
        return turn.reply(turn.text("policy.empty_category"), options=back)
    options = [Option(entry_title(turn, entry), f"entry:{entry.id}") for entry in entries]
    title = names.en if turn.english else names.zh
    return turn.reply(turn.text("policy.choose_entry", category=title), options=[*options, *back])
