"""What a question is about, checked against the decision the scores suggest.

Scores measure word overlap; this asks whether the entry explains the question's key terms
(intents.terms). The head term — the last key term that does not say who (退役军人, 烈属) —
stands for the thing asked about: in 我是退伍军人，身份证丢了怎么补办 it is 身份证, which no
entry explains, so the question goes to the police, not to the card entry that shares 补办.

- A head that belongs to another office's domain is declined with that office, unless the
  question is about veterans (an anchor word) and the entry explains the head (退伍后户口怎么落).
- Without any anchor word, an office word that the entry does not explain also declines.
- With an anchor (浙江丧葬费抚恤金, 退役军人换驾照有绿色通道吗), every other-office subject must
  be explained by the entry answering, or the question is declined.
- Close entries are told apart by the head: the one whose title or keywords own it wins
  (a family member asking about a document is asking about the document); an entry that only
  mentions the head, not sure enough, is offered together with the one that owns it.
"""

from __future__ import annotations

from dataclasses import dataclass

from intents.choice import ANSWER_AT, CLARIFY_AT, WIDE_MARGIN, choose
from intents.decision import Answer, Clarify, Decision, Fallback, Intent, Office
from intents.examples import OUT_OF_SCOPE
from intents.index import ClassMatch
from intents.terms import Explainers, Found

TIE_BREAK_GAP = 0.15  # an entry owning the head may be this far behind the best and still win
VAGUE_GAP = 0.15  # a question without key terms is offered the entries this close to the best
EXACT = 0.95  # ... unless it is (nearly) one of the best entry's own phrasings
SURE = 0.45  # below this, an entry that only mentions the head is offered with the one owning it
# An off-topic decision is taken back for an entry when a veteran is named only if the entry
# scores at least this (an outright answer's bar) and trails the off-topic match by at most this.
TAKE_BACK_AT = ANSWER_AT
IS_VETERAN = 2  # characters between a relative and the veteran word saying who it is (是, 在)
TAKE_BACK_GAP = WIDE_MARGIN


@dataclass(frozen=True, slots=True)
class Reading:
    """The key terms of one question and what understanding made of them."""

    found: tuple[Found, ...]
    head: Found | None
    anchored: bool
    others: tuple[Found, ...] = ()  # people another office serves (职工), when no veteran is named
    veteran: bool = False  # a veteran, soldier or their family is named (退役军人, 烈属)
    relatives: tuple[Found, ...] = ()  # family members who are not the veteran (孙子, 军属)

    @classmethod
    def of(cls, found: list[Found]) -> Reading:
        topical = [f for f in found if not f.term.person]
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
        head = topical[-1] if topical else None
        return cls(tuple(found), head, anchored, others, veteran, relatives)


class Aboutness:
    def __init__(
        self,
        explainers: Explainers,
        class_index: dict[str, int],
        offices: dict[str, Office],
        example_domain: dict[str, str],
    ) -> None:
        self.explainers = explainers
        self.class_index = class_index
        self.offices = offices
        self.example_domain = example_domain

    def _explains(self, name: str, found: list[Found]) -> list[bool]:
        klass = self.class_index.get(name)
        if klass is None or not found:
            return [False] * len(found)
        return self.explainers.explains(klass, found)

    def explains(self, name: str, found: Found) -> bool:
        return self._explains(name, [found])[0]

    def owns(self, name: str, found: Found) -> bool:
        klass = self.class_index.get(name)
        return klass is not None and self.explainers.owns(klass, [found])[0]

    def unexplained(self, names: list[str], reading: Reading) -> tuple[str, ...]:
        """The key terms none of `names` explains (anchors aside), for explanations."""
        topical = [f for f in reading.found if not f.term.person]
        left = list(topical)
        for name in names:
            left = [f for f, ok in zip(left, self._explains(name, left), strict=True) if not ok]
        return tuple(dict.fromkeys(f.term.text for f in left))

    def _decline(
        self, score: float, office_term: Found, reading: Reading, names: list[str]
    ) -> Intent:
        domain = office_term.term.office or ""
        unexplained = self.unexplained(names, reading) or (office_term.term.text,)
        return Intent(OUT_OF_SCOPE, score, office=self.offices.get(domain), unexplained=unexplained)

    def refine(self, decision: Decision, matches: list[ClassMatch], reading: Reading) -> Decision:
        """`decision` (from the scores) checked against what the question is about."""
        entries = [m for m in matches if not m.name.startswith("@")]
        names: list[str] = []
        if isinstance(decision, Answer):
            names = [decision.entry_id]
        elif isinstance(decision, Clarify):
            names = list(decision.options)
        declined = self._elsewhere(decision, names, reading)
        if declined is not None:
            return declined
        head = reading.head
        if isinstance(decision, Clarify) and head is not None:
            return self._tie_break(decision, entries, head)
        if isinstance(decision, Answer):
            return self._answer(decision, entries, reading)
        if isinstance(decision, Intent) and decision.name == OUT_OF_SCOPE:
            if reading.veteran:
                # 我家老人是老兵，60岁以上有补贴吗 reads like the 80岁老人 examples, but a
                # veteran is named and nothing belongs to another office that our entry does
                # not explain (军人子女上小学: the education entry speaks of 小学): ours after all.
                # Only when the entry itself is sure enough (TAKE_BACK_AT) and not far behind
                # the everyday examples (TAKE_BACK_GAP): without the off-topic match `choose`
                # has no margin to keep, and would offer a weak choice (老兵想用微信) instead.
                ours = choose([m for m in matches if m.name != OUT_OF_SCOPE])
                if (
                    isinstance(ours, Answer | Clarify)
                    and ours.score >= TAKE_BACK_AT
                    and decision.score - ours.score <= TAKE_BACK_GAP
                    and self._all_explained(ours, reading)
                ):
                    return self.refine(ours, matches, reading)
            return self._with_office(decision, matches, reading)
        if isinstance(decision, Fallback):
            close = [m.name for m in entries[:3]]
            return Fallback(decision.score, self.unexplained(close, reading))
        return decision

    def _unexplained_subjects(self, names: list[str], reading: Reading) -> list[Found]:
        """The question's other-office subjects (people aside) that none of `names` explains,
        as a whole or by a part (社保缴费 by 社保)."""
        return [
            f
            for f in _offices(reading)
            if not f.term.person and not any(any(self._explains(n, [f, *f.inner])) for n in names)
        ]

    def _all_explained(self, decision: Answer | Clarify, reading: Reading) -> bool:
        names = [decision.entry_id] if isinstance(decision, Answer) else list(decision.options)
        return not self._unexplained_subjects(names, reading)

    def _elsewhere(self, decision: Decision, names: list[str], reading: Reading) -> Intent | None:
        """A decline with an office when the question belongs to another office, else None."""
        score, head, offices = decision.score, reading.head, _offices(reading)
        if reading.others and (names or isinstance(decision, Fallback)):
            # 职工去世抚恤金怎么领: about someone another office serves, and no veteran named.
            return self._decline(score, reading.others[0], reading, names)
        if offices and names:
            if head is not None and head.term.office:
                # About veterans, a compound is explained by its parts too (社保缴费 by 社保);
                # otherwise only as a whole (养老服务站 is not the station entry's 服务站).
                parts = [head, *head.inner] if reading.anchored else [head]
                explained = any(any(self._explains(n, parts)) for n in names)
                if not reading.anchored or not explained:
                    return self._decline(score, head, reading, names)
            kin = [f for f in reading.relatives if not any(self.explains(n, f) for n in names)]
            if kin:
                # 俺是老兵，俺家孙子上户口咋弄, 退伍军人的孩子考公务员: another office's
                # subject for a family member the entry never speaks of is not the veteran's.
                return self._decline(score, offices[-1], reading, names)
            if reading.anchored and isinstance(decision, Answer | Clarify):
                # About a veteran thing, and another office's subject no entry offered
                # explains: 浙江丧葬费抚恤金计算公式 and 工伤死亡抚恤金标准 are a worker's death
                # benefit, and a veteran named does not make 退役军人换驾照有绿色通道吗 the
                # hospital's green channel.
                loose = self._unexplained_subjects(names, reading)
                if loose:
                    return self._decline(score, loose[-1], reading, names)
            if not reading.anchored:
                # Nothing says the question is about veterans, and it names another office's
                # subject: that office's, even where an entry covers the veterans' side of the
                # same subject (北京医保缴费年限 is not 退役后医保接续, 户口迁回海南 is not
                # 退役后落户).
                return self._decline(score, offices[-1], reading, names)
        if isinstance(decision, Fallback) and offices and not reading.anchored:
            return self._decline(
                score, head if head and head.term.office else offices[-1], reading, []
            )
        return None

    def _answer(self, decision: Answer, entries: list[ClassMatch], reading: Reading) -> Decision:
        head = reading.head
        if head is not None and not self.owns(decision.entry_id, head):
            owners = [
                m
                for m in entries[1:4]
                if decision.score - m.score <= TIE_BREAK_GAP
                and m.score >= CLARIFY_AT
                and self.owns(m.name, head)
            ]
            if len(owners) == 1:
                if not self.explains(decision.entry_id, head):
                    # 参战老兵评残要准备什么材料 asks about 评残, whatever else it shares with
                    # 参战: an entry that never speaks of the head yields to a close one that
                    # owns it.
                    return Answer(owners[0].name, owners[0].score, decision.also)
                if decision.score < SURE:
                    # 优抚对象优待证遗失了怎么办: the medical entry mentions the card, the card
                    # entry is about it; not sure enough to answer with either alone.
                    return Clarify((decision.entry_id, owners[0].name), decision.score)
            if not owners and decision.score < SURE and not self.explains(decision.entry_id, head):
                # The best entry never speaks of what the question is about: not sure.
                return Fallback(decision.score, self.unexplained([decision.entry_id], reading))
        if not reading.found and len(entries) > 1:
            # No key term at all (补助, 怎么申请): not about any one entry while another is close.
            close = [
                m.name
                for m in entries[:3]
                if m.score >= CLARIFY_AT and decision.score - m.score <= VAGUE_GAP
            ]
            if len(close) > 1 and entries[0].dice < EXACT:
                return Clarify(tuple(close), decision.score)
        return decision

    def _tie_break(self, decision: Clarify, entries: list[ClassMatch], head: Found) -> Decision:
        contenders = [m for m in entries if decision.score - m.score <= TIE_BREAK_GAP]
        owners = [m for m in contenders if self.owns(m.name, head)]
        if len(owners) == 1 and owners[0].score >= max(CLARIFY_AT, decision.score - TIE_BREAK_GAP):
            winner = owners[0]
            if winner.name in decision.options or winner.score >= ANSWER_AT:
                return Answer(winner.name, winner.score)
        return decision

    def _with_office(self, decision: Intent, matches: list[ClassMatch], reading: Reading) -> Intent:
        offices = _offices(reading)
        domain = None
        if reading.head is not None and reading.head.term.office:
            domain = reading.head.term.office
        elif offices:
            domain = offices[-1].term.office
        else:
            best = next((m for m in matches if m.name == OUT_OF_SCOPE), None)
            domain = self.example_domain.get(best.phrasing) if best else None
        office = self.offices.get(domain) if domain else None
        unexplained = self.unexplained([], reading)
        return Intent(decision.name, decision.score, office=office, unexplained=unexplained)


def _names_veteran(found: Found) -> bool:
    """Whether a term names a veteran, soldier or their family: 退役军人, and 现役军人 by its
    part 军人 (退役运动员, another office's people, names no soldier)."""
    return (found.term.person and found.term.anchor) or (
        not found.term.office and any(i.term.person and i.term.anchor for i in found.inner)
    )


def _offices(reading: Reading) -> list[Found]:
    """The question's terms that belong to another office's domain."""
    return [f for f in reading.found if f.term.office]
