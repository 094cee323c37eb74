"""What each form field type accepts: typed text in, a clean value or the reason it is refused.

Pure functions of (field, text, today, knowledge base), so every rule is tested on its own.
A refusal names a catalogue sentence (`form.invalid.*`) that says what to type instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from policies.loader import KnowledgeBase
from policies.schema import FormField, Station

MAX_TEXT = 500  # characters; a form answer longer than this belongs in a conversation with staff
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643-1999
ID_CHECK = "10X98765432"
EARLIEST = date(1900, 1, 1)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.·]")
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
# Days named relative to today (county time: the turn's `today`).
_DAYS_FROM_TODAY = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_DAYS_FROM_TODAY |= {"today": 0, "tomorrow": 1}
_WEEKDAY = re.compile(r"^(这|本|下|下个)?(?:周|星期|礼拜)([一二三四五六日天1-7])$")
_WEEKDAYS = "一二三四五六"
_MONTH_DAY_RELATIVE = re.compile(r"^(这个月|本月|下个?月)\s*(\d{1,2})\s*[日号]$")
_LOCAL = {"county": 0, "town": 1, "village": 2}  # of two stations named, the more local


@dataclass(frozen=True, slots=True)
class Valid:
    value: str  # what is stored (ID numbers are sealed by the caller before storing)


@dataclass(frozen=True, slots=True)
class Invalid:
    reason: str  # catalogue key
    params: dict[str, object] = field(default_factory=dict)


Checked = Valid | Invalid


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII, surrounding space and punctuation gone."""
    return unicodedata.normalize("NFKC", text).strip().strip("。.，,！!")


def check(form_field: FormField, text: str, today: date, kb: KnowledgeBase) -> Checked:
    """The value `text` gives `form_field`, or why it cannot be accepted."""
    if form_field.type == "phone":
        return check_phone(text)
    if form_field.type == "id_number":
        return check_id_number(text, today)
    if form_field.type == "date":
        return check_date(text, today, form_field.date_range)
    if form_field.type == "choice":
        return check_choice(form_field, text)
    if form_field.type == "station":
        station = find_station(kb, text)
        return Valid(station.id) if station else Invalid("form.invalid.station")
    return check_text(text)


def check_text(text: str) -> Checked:
    cleaned = text.strip()
    if not cleaned:
        return Invalid("form.invalid.text_empty")
    if len(cleaned) > MAX_TEXT:
        return Invalid("form.invalid.text_long", {"limit": MAX_TEXT})
    return Valid(cleaned)


def check_phone(text: str) -> Checked:
    """A mainland mobile number: 11 digits, 1 then 3-9. Spaces, dashes and +86 are forgiven."""
    digits = _SEPARATORS.sub("", normalise(text))
    for country in ("+86", "0086", "86"):
        if digits.startswith(country) and len(digits) == len(country) + 11:
            digits = digits[len(country) :]
    if not digits.isdigit():
        return Invalid("form.invalid.phone")
    if len(digits) != 11:
        return Invalid("form.invalid.phone_length", {"count": len(digits)})
    if not _MOBILE.match(digits):
        return Invalid("form.invalid.phone")
    return Valid(digits)


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643), from the first 17 digits."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def check_id_number(text: str, today: date) -> Checked:
    """An 18-character resident ID: 17 digits and a check digit (0-9 or X), a real birth date."""
    number = _SEPARATORS.sub("", normalise(text)).upper()
    if len(number) != 18:
        return Invalid("form.invalid.id_length", {"count": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return Invalid("form.invalid.id_characters")
    birth = number[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return Invalid("form.invalid.id_birth", {"birth": birth})
    if born > today or born < EARLIEST:
        return Invalid("form.invalid.id_birth", {"birth": birth})
    if id_check_digit(number[:17]) != number[17]:
        return Invalid("form.invalid.id_check")
    return Valid(number)


def parse_date(text: str, today: date) -> date | Invalid | None:
    """A date typed as 2026-12-01, 2026/12/1, 2026年12月1日, 20261201 or 12月1日 (this year), or
    named from `today`: 今天, 明天, 后天, 大后天, 周五 (the next one), 这周五, 下周一, 下个月3号.

    None when the text is not written as a date at all; Invalid when it is, but no such day
    exists (2月30日).
    """
    typed = normalise(text)
    relative = _relative_date(typed.lower(), today)
    if relative is not None:
        return relative
    found = _FULL_DATE.match(typed) or _COMPACT_DATE.match(typed)
    if found:
        year, month, day = (int(part) for part in found.groups())
    elif found := _MONTH_DAY.match(typed):
        year, month, day = today.year, int(found[1]), int(found[2])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return Invalid("form.invalid.date_unreal", {"text": typed})


def _relative_date(typed: str, today: date) -> date | Invalid | None:
    if typed in _DAYS_FROM_TODAY:
        return today + timedelta(days=_DAYS_FROM_TODAY[typed])
    if found := _WEEKDAY.match(typed):
        which, day = found.groups()
        weekday = _WEEKDAYS.index(day) if day in _WEEKDAYS else 6 if day in "日天" else int(day) - 1
        if not which:  # 周五: the next Friday, today when it is one
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        monday = today - timedelta(days=today.weekday())
        weeks = 1 if which.startswith("下") else 0
        return monday + timedelta(weeks=weeks, days=weekday)
    if found := _MONTH_DAY_RELATIVE.match(typed):
        month = today.month + (1 if found[1].startswith("下") else 0)
        year, month = today.year + (month - 1) // 12, (month - 1) % 12 + 1
        try:
            return date(year, month, int(found[2]))
        except ValueError:
            return Invalid("form.invalid.date_unreal", {"text": typed})
    return None


def check_date(text: str, today: date, date_range: str = "any") -> Checked:
    parsed = parse_date(text, today)
    if isinstance(parsed, Invalid):
        return parsed
    if parsed is None:
        return Invalid("form.invalid.date")
    if date_range == "future" and parsed < today:
        return Invalid("form.invalid.date_past")
    if date_range == "past" and parsed > today:
        return Invalid("form.invalid.date_future")
    if not EARLIEST <= parsed <= date(today.year + 10, 12, 31):
        return Invalid("form.invalid.date_unreal", {"text": normalise(text)})
    return Valid(parsed.isoformat())


def check_choice(form_field: FormField, text: str) -> Checked:
    """A choice typed out (in either language) rather than picked by its number."""
    typed = normalise(text).lower()
    for index, choice in enumerate(form_field.choices):
        if typed in (choice.zh.lower(), choice.en.lower()):
            return Valid(str(index))
    return Invalid("form.invalid.choice")


def find_station(kb: KnowledgeBase, text: str, *, county: bool = True) -> Station | None:
    """The station whose name or alias the user typed (or typed within a longer message). Of
    several named in one message ("平江县安定镇", "岑川镇新福村") the most local one wins."""
    typed = unicodedata.normalize("NFKC", text).strip().lower()
    if not typed:
        return None
    found: list[tuple[int, int, Station]] = []
    for station in kb.stations:
        if station.level == "county" and not county:
            continue
        names = [station.name, station.name_en.lower(), *station.aliases]
        lengths = [len(name) for name in names if name and name in typed]
        if lengths:
            found.append((_LOCAL[station.level], max(lengths), station))
    return max(found, key=lambda f: f[:2])[2] if found else None
