"""Answers as people see them: labelled, in their language, personal data masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.flows.request.fields import Checked, Invalid
from bot.messages import Catalogue
from bot.privacy.masking import mask, mask_digits, mask_id_number, mask_phone
from bot.privacy.sealing import PersonalDataUnreadable, data_key, is_sealed
from policies.loader import KnowledgeBase
from policies.schema import FormField, RequestType, Text


@dataclass(frozen=True)
class Shown:
    """How to show form answers in one language. ID numbers are opened only to be masked;
    phones are shown whole to their owner (to check them) and masked in lists (`mask_phones`)."""

    lang: str
    kb: KnowledgeBase
    settings: Settings  # for the data key, read only when an ID number is shown
    messages: Catalogue
    mask_phones: bool = False

    def words(self, text: Text) -> str:
        return text.en if self.lang == "en" else text.zh

    def label(self, form_field: FormField) -> str:
        return self.words(form_field.label or form_field.prompt)

    def title(self, request_type: RequestType) -> str:
        return self.words(request_type.title)

    def station(self, station_id: str) -> str:
        station = self.kb.station(station_id)
        if station is None:
            return station_id  # removed from stations.yaml since: the id still says which
        return station.name_en if self.lang == "en" and station.name_en else station.name

    def value(self, form_field: FormField, value: Any) -> str:
        if value in (None, ""):
            return self.messages.text(self.lang, "form.skipped")
        text = str(value)
        if form_field.type == "id_number":
            return self._id_number(text)
        if form_field.type == "phone" and self.mask_phones:
            return mask_phone(text)
        if form_field.type == "choice" and text.isdigit() and int(text) < len(form_field.choices):
            return self.words(form_field.choices[int(text)])
        if form_field.type == "station":
            return self.station(text)
        return mask(text) if self.mask_phones else text  # a number typed into a text field

    def lines(self, request_type: RequestType, answers: dict[str, Any]) -> list[str]:
        """One "label: value" line per field answered, in form order."""
        return [
            f"{self.label(f)}：{self.value(f, answers[f.name])}"
            for f in request_type.fields
            if f.name in answers
        ]

    def _id_number(self, value: str) -> str:
        if not is_sealed(value):
            return mask_id_number(value)
        try:
            return mask_id_number(data_key(self.settings).open(value))
        except PersonalDataUnreadable:
            return self.messages.text(self.lang, "form.unreadable")


def logged_answer(form_field: FormField, text: str, checked: Checked) -> str:
    """What the message log keeps of `text` answering `form_field`: the masked value it gave,
    never what was typed; of a refused phone or ID number, no digit at all."""
    if isinstance(checked, Invalid):
        return mask_digits(text) if form_field.type in ("phone", "id_number") else mask(text)
    if form_field.type == "id_number":
        return mask_id_number(checked.value)
    if form_field.type == "phone":
        return mask_phone(checked.value)
    return mask(text)
