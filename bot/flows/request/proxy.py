"""Filing for someone else (代办): what a family member, or a village cadre, tells about the
veteran they act for. Shared by the request form and the booking flow.

The filer says what they are to the veteran (配偶 / 子女 / 父母 / 其他亲属 / 村干部代办), then
the veteran's name, ID number and phone. Each is checked as the same field of a form is (the ID
number with its check digit), the ID number sealed the moment it is taken and masked wherever
it is shown or logged, exactly like the filer's own. The filer declares that the veteran agreed
when they consent to the privacy notice (its declaration says so); that moment is kept with the
filing. The filer stays the one who is told of progress; the veteran's phone is for staff only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Final

from bot.conversation.payloads import ChoicePick, Command, FlowValue
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.expected import Expected, field_answer
from bot.flows.request.fields import Invalid, check, check_choice, normalise
from bot.flows.request.shown import Shown, logged_answer
from bot.messages import LANGUAGES, Catalogue
from bot.privacy.sealing import data_key
from policies.schema import FormField, Text
from storage.models.base import utcnow
from storage.repositories.filed_for import Veteran

# What the filer is to the veteran, in the order they are offered.
RELATIONSHIPS: Final = ("spouse", "child", "parent", "relative", "cadre")
# What is asked about the veteran, in order.
ASKED: Final = ("relationship", "name", "id_number", "phone")
ID_PURPOSE: Final = "id number"  # the fingerprint that finds a veteran's filings by ID number
_KIN: Final = {  # relationship → what the veteran is to the filer: (a man, a woman)
    "spouse": ("husband", "wife"),
    "child": ("father", "mother"),
    "parent": ("son", "daughter"),
    "relative": ("relative", "relative"),
    "cadre": ("villager", "villager"),
}


@dataclass
class Behalf:
    """Whom a filing in progress is for, kept in the conversation state (ID number sealed)."""

    consented_at: str  # ISO moment the filer declared the veteran agreed
    relationship: str = ""
    kin: str = ""
    name: str = ""
    id_number: str = ""
    id_fingerprint: str = ""
    phone: str = ""

    @classmethod
    def declared(cls) -> Behalf:
        """Begun now, as the filer declares the veteran agreed."""
        return cls(consented_at=utcnow().isoformat())

    def to_state(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_state(cls, values: Any) -> Behalf | None:
        """The stored behalf; None for a filing for oneself (nothing stored)."""
        if not isinstance(values, dict) or not values.get("consented_at"):
            return None
        known = {k: str(v) for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def answered(self, asked: str) -> str:
        return str(getattr(self, asked))

    def veteran(self) -> Veteran:
        """As storage keeps it with the filing."""
        return Veteran(
            relationship=self.relationship,
            kin=self.kin,
            name=self.name,
            id_number=self.id_number,
            id_fingerprint=self.id_fingerprint,
            phone=self.phone,
            consented_at=datetime.fromisoformat(self.consented_at),
        )


def for_someone(turn: Turn, text: str | None) -> bool:
    """Whether the typed `text` says the filing is for someone else ("代办", "替家人")."""
    typed = normalise(text or "").lower()
    words = turn.messages.text(turn.state.language, "family.proxy_words").lower().split()
    return bool(typed) and typed in words


def question_field(messages: Catalogue, asked: str) -> FormField:
    """The question `asked` as a form field, so it is checked, logged and shown like one."""

    def both(key: str) -> Text:
        zh, en = (messages.text(lang, key) for lang in LANGUAGES)
        return Text(zh=zh, en=en)

    if asked == "relationship":
        choices = [both(f"family.relationships.{r}") for r in RELATIONSHIPS]
        return FormField(
            name="relationship",
            type="choice",
            label=both("family.label.relationship"),
            prompt=both("family.relationship"),
            choices=choices,
        )
    kind = {"name": "text", "id_number": "id_number", "phone": "phone"}[asked]
    return FormField(
        name=asked,
        type=kind,
        label=both(f"family.label.{asked}"),
        prompt=both(f"family.ask.{asked}"),
    )


def kin_of(relationship: str, id_number: str) -> str:
    """What the veteran is to the filer: the 17th character of an ID number is odd for a man."""
    man, woman = _KIN.get(relationship, ("relative", "relative"))
    return man if int(id_number[16]) % 2 else woman


def on_behalf(messages: Catalogue, lang: str, kin: str, name: str) -> str:
    """代 父亲 张三 办理."""
    return messages.text(
        lang, "family.on_behalf", kin=messages.text(lang, f"family.kin.{kin}"), name=name
    )


def expects(turn: Turn, asked: str) -> Expected:
    return field_answer(question_field(turn.messages, asked), turn.today, turn.kb)


def ask(
    turn: Turn,
    behalf: Behalf,
    asked: str,
    offer: Callable[[str, FlowValue], Option],
    navigation: list[Option],
    before: tuple[str, ...] = (),
) -> Outbound:
    """The question `asked`, after the `before` lines, with its options (made by the flow's
    `offer`), "keep" when it was answered already, and the flow's `navigation`."""
    form_field = question_field(turn.messages, asked)
    shown = Shown(turn.state.language, turn.kb, turn.settings, turn.messages)
    lines = [shown.words(form_field.prompt)]
    options = [offer(shown.words(c), ChoicePick(i)) for i, c in enumerate(form_field.choices)]
    if behalf.answered(asked):
        value = behalf.answered(asked)
        if asked == "relationship":
            value = str(RELATIONSHIPS.index(value)) if value in RELATIONSHIPS else ""
        lines.append(turn.text("form.current", value=shown.value(form_field, value)))
        options.append(offer(turn.text("flow.keep"), Command("keep")))
    return turn.reply(*before, *lines, options=[*options, *navigation])


def take(
    turn: Turn, behalf: Behalf, asked: str, text: str | None, picked: FlowValue | None
) -> str | None:
    """Take the answer to `asked` into `behalf`: None when taken, else what was wrong."""
    form_field = question_field(turn.messages, asked)
    if asked == "relationship":
        chosen = check_choice(form_field, text or "") if picked is None else None
        if isinstance(picked, ChoicePick) and picked.index < len(RELATIONSHIPS):
            behalf.relationship = RELATIONSHIPS[picked.index]
        elif chosen is not None and not isinstance(chosen, Invalid):
            behalf.relationship = RELATIONSHIPS[int(chosen.value)]
        else:
            return turn.text("family.invalid_relationship")
        if behalf.id_number:  # back to the relationship after the ID number: 父亲 may be 丈夫 now
            behalf.kin = kin_of(behalf.relationship, data_key(turn.settings).open(behalf.id_number))
        return None
    if picked is not None or text is None or turn.inbound.contact is not None:
        # A shared contact is the filer's own number, never the veteran's.
        return turn.text(f"form.invalid.{form_field.type}")
    checked = check(form_field, text, turn.today, turn.kb)
    turn.logged_as = logged_answer(form_field, text, checked)
    if isinstance(checked, Invalid):
        return turn.text(checked.reason, **checked.params)
    if asked == "id_number":
        key = data_key(turn.settings)
        behalf.id_number = key.seal(checked.value)
        behalf.id_fingerprint = key.fingerprint(ID_PURPOSE, checked.value)
        behalf.kin = kin_of(behalf.relationship, checked.value)
    elif asked == "name":
        behalf.name = checked.value
    else:
        behalf.phone = checked.value
    return None


def summary(turn: Turn, behalf: Behalf) -> list[str]:
    """The lines a summary shows of whom it is for: ID number masked, phone whole to check."""
    lang = turn.state.language
    shown = Shown(lang, turn.kb, turn.settings, turn.messages)
    relationship = question_field(turn.messages, "relationship")
    index = RELATIONSHIPS.index(behalf.relationship) if behalf.relationship in RELATIONSHIPS else 0
    lines = [
        turn.text(
            "family.summary",
            on_behalf=on_behalf(turn.messages, lang, behalf.kin or "relative", behalf.name),
            relationship=shown.value(relationship, str(index)),
        )
    ]
    for asked in ("id_number", "phone"):
        form_field = question_field(turn.messages, asked)
        lines.append(
            f"{shown.label(form_field)}：{shown.value(form_field, behalf.answered(asked))}"
        )
    return lines
