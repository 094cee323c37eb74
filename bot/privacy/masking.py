"""Masking personal data for display and logs: enough to recognise, not enough to misuse.

People type numbers every way there is: `430626 19750505 4321`, `４３０６…` (full width),
`138-1234-5678`, `+86 138.1234.5678`, one digit at a time with spaces, or as 一三八… by
voice. Matching runs on a normalised copy (NFKC, Chinese digits as digits) in which any few
separators may stand between digits; the match is then replaced in the original text, so the
rest of the message (Chinese punctuation included) stays as it was typed.
"""

from __future__ import annotations

import re
import unicodedata

_CHINESE_DIGITS = dict(zip("〇零一二三四五六七八九幺", "001234567891", strict=True))
# What may stand between the digits of one number: spaces, dashes of every width, dots.
_SEP = r"[\s\-‐‑‒–—―−.·•_]{0,3}"
_D = rf"{_SEP}[0-9]"  # one more digit, after any separators
_DIGITS = frozenset("0123456789")


def _digits(count: int) -> str:
    return f"(?:{_D}){{{count}}}"


# An 18-character resident ID (the last may be X); any other run of 15-19 digits (an ID from
# before 1999, one typed a digit short, a bank card); a mainland mobile number with or without
# +86. None inside a longer run of digits.
_ID_NUMBER = re.compile(
    rf"(?<![0-9])(?P<head>[1-9]{_digits(3)})(?P<body>{_digits(10)})"
    rf"(?P<tail>{_digits(3)}{_SEP}[0-9Xx×])(?![0-9Xx×])"
)
_LONG_NUMBER = re.compile(
    rf"(?<![0-9])(?P<head>[0-9]{_digits(3)})(?P<body>(?:{_D}){{7,11}})(?P<tail>{_digits(4)})"
    rf"(?![0-9])"
)
_MOBILE = re.compile(
    rf"(?<![0-9])(?P<prefix>(?:\+|00)?86{_SEP})?(?P<head>1{_SEP}[3-9]{_D})"
    rf"(?P<body>{_digits(4)})(?P<tail>{_digits(4)})(?![0-9])"
)
_CLEAN_ID = re.compile(r"^(\d{4})\d{10}(\d{3}[\dX])$")
_CLEAN_MOBILE = re.compile(r"^(\d{3})\d{4}(\d{4})$")


def mask(text: str) -> str:
    """4306**********123X, 138****5678: ID numbers, other long numbers and mobile numbers,
    however typed."""
    return _replace(mask_id_numbers(text), _MOBILE)


def mask_id_numbers(text: str) -> str:
    """Only the ID numbers (and other runs of 15-19 digits) masked, as on bureau forms
    (4306**********123X)."""
    return _replace(_replace(text, _ID_NUMBER), _LONG_NUMBER)


def mask_digits(text: str) -> str:
    """Every digit starred: what the log keeps of a personal answer that was refused."""
    normal, origin = _normalised(text)
    starred = {origin[i] for i, ch in enumerate(normal) if ch in _DIGITS}
    return "".join("*" if i in starred else ch for i, ch in enumerate(text))


def mask_id_number(id_number: str) -> str:
    """A clean ID number (as a form stores it): the region and the last four, 4306**********123X."""
    match = _CLEAN_ID.match(id_number)
    return f"{match[1]}{'*' * 10}{match[2]}" if match else "*" * len(id_number)


def mask_phone(phone: str) -> str:
    """A clean mobile number: 138****5678."""
    match = _CLEAN_MOBILE.match(phone)
    return f"{match[1]}****{match[2]}" if match else "*" * len(phone)


def _replace(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with every match of `pattern` in its normalised copy masked: the prefix, head and
    tail kept (normalised, without separators), a star for each digit of the body."""
    normal, origin = _normalised(text)
    out: list[str] = []
    last = 0
    for found in pattern.finditer(normal):
        start, end = origin[found.start()], origin[found.end() - 1] + 1
        prefix = _kept(found.groupdict().get("prefix") or "", "+")
        stars = "*" * sum(ch in _DIGITS for ch in found["body"])
        out += [text[last:start], f"{prefix} " if prefix else ""]
        out += [_kept(found["head"]), stars, _kept(found["tail"])]
        last = end
    return "".join(out) + text[last:] if out else text


def _kept(part: str, also: str = "") -> str:
    """The digits (and X) of a normalised `part`, without its separators."""
    return "".join(ch for ch in part.upper().replace("×", "X") if ch in _DIGITS or ch in "X" + also)


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` character by character in NFKC with Chinese digits as digits, and for each
    character of the result the index of the original character it came from."""
    parts: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        normal = _CHINESE_DIGITS.get(ch) or unicodedata.normalize("NFKC", ch)
        parts.append(normal)
        origin.extend([index] * len(normal))
    return "".join(parts), origin
