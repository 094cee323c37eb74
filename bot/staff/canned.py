"""Canned replies: the knowledge-base answers a staff member can pick, edit and send.

Searching ranks what an entry is *about* above what it merely mentions: a match in the title,
then in a keyword (a whole one before a part of one), then how many of its questions mention
the words. "优待证" so finds the preferential-card entry before the
martyrs' families' one whose questions happen to mention the card.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from policies.schema import Entry

MAX_QUERY = 50
MAX_FOUND = 20


def search(entries: Iterable[Entry], query: str, today: date) -> list[Entry]:
    """The entries valid `today` that match `query`, best first; all of them for no query."""
    needle = _folded(query)[:MAX_QUERY]
    valid = [e for e in entries if e.is_valid_on(today)]
    if not needle:
        return valid[:MAX_FOUND]
    ranked = [(score, index, e) for index, e in enumerate(valid) if (score := _score(e, needle))]
    ranked.sort(key=lambda found: (-found[0][0], -found[0][1], found[1]))
    return [e for _, _, e in ranked[:MAX_FOUND]]


def _score(entry: Entry, needle: str) -> tuple[int, int] | None:
    """(how well the title and keywords match, how many questions mention it), or None."""
    titles = [_folded(entry.title), *([_folded(entry.en.title)] if entry.en else [])]
    keywords = [_folded(k) for k in entry.keywords]
    about = max(
        [4 if needle == t else 3 if needle in t else 0 for t in titles]
        + [2 if needle == k else 1 if needle in k else 0 for k in keywords]
    )
    asked = sum(needle in _folded(q) for q in entry.questions)
    if not about and not asked and needle not in entry.id:
        return None
    return about, asked


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()
