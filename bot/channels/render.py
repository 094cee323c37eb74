"""Helpers adapters share to render replies: text split to a platform's limit, numbered options,
option payloads squeezed into a platform's button-data limit.

Helpers, not a policy (Rasa #4778): each adapter decides how it renders a whole reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.conversation.payloads import is_token, token
from bot.conversation.payloads import picked_option as picked_option  # for adapters, tests
from bot.conversation.types import Option

Measure = Callable[[str], int]

# Boundaries to cut long text at, best first. A cut is made after the match, so sentence-ending
# punctuation (and a closing quote after it) stays with its sentence.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraph
    re.compile(r"\n"),  # line
    re.compile(r"[。！？!?…]+[”’」』）)]*\s*|[.;；](?=\s)\s*"),  # sentence end
    re.compile(r"[，,、；;：:]\s*|\s+"),  # clause or word
)

# "回复 1 …" is the one menu convention the engine's digit picking and the WeChat users share.
NUMBERED_OPTION = "回复 {number} {label}"


def utf8_length(text: str) -> int:
    """Length in UTF-8 bytes: what WeChat's limits count."""
    return len(text.encode("utf-8"))


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: what Telegram's limits count (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, *, measure: Measure = len) -> list[str]:
    """Split `text` into stripped chunks each within `limit` (as `measure` counts it), cutting at
    the best boundary in the second half of each window: paragraph, line, sentence end (。！？),
    clause or space, else mid-word. Blank text gives no chunks."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            chunks.append(rest)
            break
        window = _longest_prefix(rest, limit, measure)
        cut = _cut_point(rest[:window])
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks


def _longest_prefix(text: str, limit: int, measure: Measure) -> int:
    """Number of characters of the longest prefix of `text` that `measure` keeps within `limit`
    (at least one, so a character wider than the limit still makes progress)."""
    low, high = 1, min(len(text), limit)  # no measure counts a character as less than one
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut_point(window: str) -> int:
    # A boundary in the first half would leave many tiny chunks; a mid-word cut is better then.
    floor = len(window) // 2
    for boundary in _BOUNDARIES:
        ends = [m.end() for m in boundary.finditer(window) if m.end() > floor]
        if ends:
            return ends[-1]
    return len(window)


def numbered_options(options: Sequence[Option]) -> str:
    """Options as numbered lines ("回复 1 …"), for platforms without buttons."""
    return "\n".join(
        NUMBERED_OPTION.format(number=number, label=option.label)
        for number, option in enumerate(options, start=1)
    )


def with_numbered_options(text: str, options: Sequence[Option]) -> str:
    """Reply text followed by its options as numbered lines, a blank line between."""
    if not options:
        return text.strip()
    return "\n\n".join(part for part in (text.strip(), numbered_options(options)) if part)


def button_data(payload: str, limit: int) -> str:
    """The data to put on a button for an option `payload`, within `limit` UTF-8 bytes.

    A payload that fits is used as is. A longer one becomes a short deterministic token
    (`payloads.token`), so no adapter has to remember a mapping: whoever holds the options that
    were offered maps the token back with `picked_option`."""
    if payload and not is_token(payload) and utf8_length(payload) <= limit:
        return payload
    return token(payload)
