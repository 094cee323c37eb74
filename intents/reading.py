"""What one question is about, read from its key terms: the head (what is asked about), whether
it is about veterans, who it is for, and another office's business it asks (intents.doings).

The head is the last key term that does not say who (退役军人, 烈属): in 我是退伍军人，身份证丢了
怎么补办 it is 身份证. A thing to bring for a process is not it while another key term is there:
退伍报到要带身份证吗 asks about 报到.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.doings import Doing
from intents.normalize import LEXICON, normalize
from intents.terms import Found

IS_VETERAN = 2  # characters between a relative and the veteran word saying who it is (是, 在)
_BRING = tuple(normalize(w) for w in LEXICON["bring_words"].split())
BRING_REACH = max(len(w) for w in _BRING)
_LISTED = re.compile(r"和|与|及|以及|还有|或|或者| ")


@dataclass(frozen=True, slots=True)
class Reading:
    """The key terms of one question and what understanding made of them."""

    found: tuple[Found, ...]
    head: Found | None
    anchored: bool
    others: tuple[Found, ...] = ()  # people another office serves (职工), when no veteran is named
    veteran: bool = False  # a veteran, soldier or their family is named (退役军人, 烈属)
    relatives: tuple[Found, ...] = ()  # family members who are not the veteran (孙子, 军属)
    doings: tuple[Doing, ...] = ()  # another office's business (户口本 + 补办, 看病 + 报销)
    brought: frozenset[int] = frozenset()  # where things to bring for the head start (身份证)

    @classmethod
    def of(
        cls,
        found: list[Found],
        doings: tuple[Doing, ...] = (),
        brought: frozenset[int] = frozenset(),
    ) -> Reading:
        """`brought` are where the things to bring start (身份证 in 报到要带身份证吗): what to
        prepare for a process is about that process, so one is never the head while another
        key term is there."""
        topical = [f for f in found if not f.term.person]
        asked_about = [f for f in topical if f.start not in brought] or topical
        anchored = any(f.term.anchor or any(i.term.anchor for i in f.inner) for f in found)
        # 现役军人 is a topic word of its own, but its part 军人 still names a soldier.
        # (退役运动员, another office's people, names no soldier.)
        veteran = any(_names_veteran(f) for f in found)
        others = () if veteran else tuple(f for f in found if f.term.person and f.term.office)
        # 我老公是现役军人 names the soldier himself: a relative followed closely by a veteran
        # or soldier is the veteran, not another person.
        relatives = tuple(
            f
            for f in found
            if f.term.relative
            and not any(_names_veteran(g) and 0 <= g.start - f.end <= IS_VETERAN for g in found)
        )
        head = asked_about[-1] if asked_about else None
        # Another office's business counts where the question asks it, in the head's clause.
        asked = tuple(d for d in doings if head is None or d.start <= head.start < d.end)
        kept = brought if asked_about is not topical else frozenset()
        return cls(tuple(found), head, anchored, others, veteran, relatives, asked, kept)


def brought(normal: str, found: list[Found]) -> frozenset[int]:
    """Where the key terms that are things to bring start: right after a word of bringing
    (要带身份证, 需要户口本吗), or listed after one that is (带身份证和户口本)."""
    brought: set[int] = set()
    for f in found:
        before = normal[max(0, f.start - BRING_REACH) : f.start]
        listed = any(
            g.end <= f.start and g.start in brought and _LISTED.fullmatch(normal[g.end : f.start])
            for g in found
        )
        if before.endswith(_BRING) or listed:
            brought.add(f.start)
    return frozenset(brought)


def _names_veteran(found: Found) -> bool:
    """Whether a term names a veteran, soldier or their family: 退役军人, and 现役军人 by its
    part 军人 (退役运动员, another office's people, names no soldier)."""
    return (found.term.person and found.term.anchor) or (
        not found.term.office and any(i.term.person and i.term.anchor for i in found.inner)
    )
