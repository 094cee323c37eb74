"""Where a request form stands: its stops (the town, the privacy consent, for a form filed for
someone else the questions about the veteran, each field) and the answers so far, kept in the
conversation state between messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.flows.request.proxy import ASKED, Behalf
from policies.schema import FormField, RequestType

TOWN, CONSENT = "@town", "@consent"
BEHALF = "@for:"  # a stop about the veteran a form is filed for: @for:name, @for:id_number…
BEHALF_STOPS = tuple(f"{BEHALF}{asked}" for asked in ASKED)
# `field` asks the form's fields in order; `behalf` the questions about the veteran (after the
# consent, when the form is filed for someone else); `correct` asks the one field picked from
# the summary (`fix`), and goes back to the summary afterwards.
RequestStep = Literal["town", "consent", "behalf", "field", "confirm", "fix", "correct"]


@dataclass
class Form:
    """A form in progress, kept in the conversation state between messages."""

    type_id: str
    at: str = ""  # the current stop: TOWN, CONSENT or a field name
    answers: dict[str, str] = field(default_factory=dict)  # ID numbers sealed
    ask_town: bool = False
    behalf: Behalf | None = None  # whom it is filed for; None: the filer's own

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "type": self.type_id,
            "at": self.at,
            "answers": dict(self.answers),
            "ask_town": self.ask_town,
        }
        if self.behalf is not None:
            state["behalf"] = self.behalf.to_state()
        return state

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Form:
        return cls(
            type_id=str(values.get("type", "")),
            at=str(values.get("at", "")),
            answers={str(k): str(v) for k, v in dict(values.get("answers") or {}).items()},
            ask_town=bool(values.get("ask_town")),
            behalf=Behalf.from_state(values.get("behalf")),
        )


def stops(request_type: RequestType, ask_town: bool, behalf: bool = False) -> list[str]:
    """The form's stops in order: the town when asked, the consent before the first personal
    field (where the filer also says whether it is for someone else: then the questions about
    the veteran follow it), and the fields."""
    names = [TOWN] if ask_town else []
    personal = next((f.name for f in request_type.fields if f.personal), None)
    for form_field in request_type.fields:
        if form_field.name == personal:
            names.append(CONSENT)
            names += BEHALF_STOPS if behalf else ()
        names.append(form_field.name)
    return names


def knows(request_type: RequestType, form: Form) -> bool:
    """Whether the stored form still fits the type as requests.yaml has it now."""
    names = {f.name for f in request_type.fields}
    at = (*names, TOWN, CONSENT, *(BEHALF_STOPS if form.behalf else ()))
    return form.at in at and set(form.answers) <= names


def asked_about(stop: str) -> str:
    """The question about the veteran a `@for:` stop asks (`id_number`), else ""."""
    return stop.removeprefix(BEHALF) if stop in BEHALF_STOPS else ""


def field_named(request_type: RequestType, name: str) -> FormField:
    return next(f for f in request_type.fields if f.name == name)


def step_at(stop: str) -> RequestStep:
    """The flow's step that asks `stop`."""
    if stop == TOWN:
        return "town"
    if stop in BEHALF_STOPS:
        return "behalf"
    return "consent" if stop == CONSENT else "field"
