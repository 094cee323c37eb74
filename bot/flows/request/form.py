"""Where a request form stands: its stops (the town, the privacy consent, each field) and the
answers so far, kept in the conversation state between messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from policies.schema import FormField, RequestType

TOWN, CONSENT = "@town", "@consent"
# `field` asks the form's fields in order; `correct` asks the one field picked from the summary
# (`fix`), and goes back to the summary afterwards.
RequestStep = Literal["town", "consent", "field", "confirm", "fix", "correct"]


@dataclass
class Form:
    """A form in progress, kept in the conversation state between messages."""

    type_id: str
    at: str = ""  # the current stop: TOWN, CONSENT or a field name
    answers: dict[str, str] = field(default_factory=dict)  # ID numbers sealed
    ask_town: bool = False

    def to_state(self) -> dict[str, Any]:
        return {
            "type": self.type_id,
            "at": self.at,
            "answers": dict(self.answers),
            "ask_town": self.ask_town,
        }

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Form:
        return cls(
            type_id=str(values.get("type", "")),
            at=str(values.get("at", "")),
            answers={str(k): str(v) for k, v in dict(values.get("answers") or {}).items()},
            ask_town=bool(values.get("ask_town")),
        )


def stops(request_type: RequestType, ask_town: bool) -> list[str]:
    """The form's stops in order: the town when asked, the consent before the first personal
    field, and the fields."""
    names = [TOWN] if ask_town else []
    personal = next((f.name for f in request_type.fields if f.personal), None)
    for form_field in request_type.fields:
        if form_field.name == personal:
            names.append(CONSENT)
        names.append(form_field.name)
    return names


def knows(request_type: RequestType, form: Form) -> bool:
    """Whether the stored form still fits the type as requests.yaml has it now."""
    names = {f.name for f in request_type.fields}
    return form.at in (*names, TOWN, CONSENT) and set(form.answers) <= names


def field_named(request_type: RequestType, name: str) -> FormField:
    return next(f for f in request_type.fields if f.name == name)


def step_at(stop: str) -> RequestStep:
    """The flow's step that asks `stop`."""
    if stop == TOWN:
        return "town"
    return "consent" if stop == CONSENT else "field"
