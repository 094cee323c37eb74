"""Which knowledge-base entry a staff member sent: the console's canned replies put an entry's
answer in the reply box, which the member may edit a little before sending."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from policies.schema import Entry

_SPACE = re.compile(r"\s+")
EDITED = 90.0  # partial similarity (0-100) above which an edited answer still counts as sent
SHORTEST = 12  # characters; a shorter answer matches too much by chance


def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)


def sent_entry(entries: Iterable[Entry], texts: Iterable[str]) -> Entry | None:
    """The entry whose answer (Chinese or English) one of `texts` carries, best match first;
    None when none does."""
    said = [_squeezed(text) for text in texts if text.strip()]
    if not said:
        return None
    best: tuple[float, Entry] | None = None
    for entry in entries:
        answers = [entry.answer, *([entry.en.answer] if entry.en else [])]
        for answer in (_squeezed(a) for a in answers):
            if len(answer) < SHORTEST:
                continue
            score = max(_carried(answer, text) for text in said)
            if score >= EDITED and (best is None or score > best[0]):
                best = (score, entry)
    return None if best is None else best[1]


def _carried(answer: str, text: str) -> float:
    """How fully `text` carries `answer`, 0-100; a text much shorter than the answer carries
    none of it (partial matching would find it inside the answer instead)."""
    if answer in text:
        return 100.0
    if len(text) < 0.8 * len(answer):
        return 0.0
    return float(fuzz.partial_ratio(answer, text))
