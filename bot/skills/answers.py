"""Replies to what understanding decided: an answer with its source, a choice, or "not sure"."""

from __future__ import annotations

from bot.conversation.payloads import (
    Categories,
    Guide,
    Handoff,
    Helped,
    Menu,
    NewBooking,
    ReadEntry,
    Request,
    option,
    parse,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.skills.contact import contact_lines
from bot.skills.menu import entry_title
from intents.normalize import other_place
from policies.schema import Entry


def answer(turn: Turn, entry_id: str, also: tuple[str, ...] = ()) -> Outbound | None:
    """The entry's short answer, where it comes from and when it was checked, then next steps.

    None when the entry does not exist (a stale button from before a reload).
    """
    entry = turn.kb.entry(entry_id)
    if entry is None:
        return None
    turn.outcome, turn.entry_id = "answer", entry.id
    if not entry.is_valid_on(turn.today):
        # A veteran acts on what we say: an expired rule is not an answer.
        lines = [turn.text("answer.expired", title=entry_title(turn, entry)), *contact_lines(turn)]
        return turn.reply(*lines, options=[turn.option("menu.back", Menu())])
    if turn.english and entry.en:
        body = [entry.en.title, entry.en.answer]
    elif turn.english:
        body = [turn.text("answer.no_english"), entry.title, entry.answer]
    else:
        body = [entry.title, entry.answer]
    source = turn.text("answer.source", source=entry.source, reviewed=entry.reviewed.isoformat())
    # A question about another province or city gets the national rule, and is told whom to
    # ask for the local standard; our own county's local facts are not theirs.
    place = other_place(turn.inbound.text or "")
    elsewhere = turn.text("answer.elsewhere", place=place) if place else ""
    options = [*_actions(turn, entry), *_related(turn, also, entry.id), *_verdicts(turn, entry)]
    return turn.reply(
        *body, elsewhere, source, options=[*options, turn.option("menu.back", Menu())]
    )


def _verdicts(turn: Turn, entry: Entry) -> list[Option]:
    """有帮助 / 没帮助, after the next steps so their numbers stay what they were. Not for an
    answer given while a flow waits (a form's step, a ticket with staff): saying so would
    leave the flow."""
    if turn.state.flow is not None:
        return []
    return [
        turn.option("feedback.helpful", Helped(entry.id, True)),
        turn.option("feedback.not_helpful", Helped(entry.id, False)),
    ]


def _actions(turn: Turn, entry: Entry) -> list[Option]:
    """The entry's `actions` as options: a request type, booking a visit, talking to staff,
    its eligibility guide ("看看我符不符合条件").

    The loader allows only these four (`policies/entries.py`), written as their payloads."""
    options = []
    for action in entry.actions:
        match parse(action):
            case Request(type_id):
                request_type = turn.kb.request_type(type_id)
                if request_type is not None:
                    title = request_type.title.en if turn.english else request_type.title.zh
                    options.append(option(title, Request(type_id)))
            case NewBooking():
                options.append(turn.option("menu.booking", NewBooking()))
            case Handoff():  # the entry says which queue: its category and level
                options.append(turn.option("menu.handoff", Handoff(entry.id)))
            case Guide(guide_id) if turn.kb.guide(guide_id) is not None:
                options.append(turn.option("guide.offer", Guide(guide_id)))
    return options


def _related(turn: Turn, also: tuple[str, ...], answered: str) -> list[Option]:
    options = []
    for entry_id in also:
        entry = turn.kb.entry(entry_id)
        if entry is not None and entry_id != answered and entry.is_valid_on(turn.today):
            title = entry_title(turn, entry)
            label = turn.text("answer.related", title=title)
            options.append(option(label, ReadEntry(entry.id)))
    return options


def clarify(turn: Turn, entry_ids: tuple[str, ...]) -> Outbound:
    turn.outcome = "clarify"
    options = []
    for entry_id in entry_ids:
        entry = turn.kb.entry(entry_id)
        if entry is not None and entry.is_valid_on(turn.today):
            options.append(option(entry_title(turn, entry), ReadEntry(entry.id)))
    if not options:
        return fallback(turn)
    extra = [turn.option("menu.handoff", Handoff()), turn.option("menu.back", Menu())]
    return turn.reply(turn.text("clarify.question"), options=[*options, *extra])


def fallback(turn: Turn) -> Outbound:
    """Say we are not sure; the second time in a row, point straight at a person."""
    turn.outcome = "fallback"
    turn.state.fallbacks += 1
    if turn.state.fallbacks >= 2:
        options = [turn.option("menu.handoff", Handoff()), turn.option("menu.back", Menu())]
        return turn.reply(turn.text("fallback.repeated"), *contact_lines(turn), options=options)
    options = [
        turn.option("menu.policy", Categories()),
        turn.option("menu.handoff", Handoff()),
        turn.option("menu.back", Menu()),
    ]
    return turn.reply(turn.text("fallback.first"), options=options)
