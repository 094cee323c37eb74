"""What a question is about, checked against the decision the scores suggest.

Scores measure word overlap; this asks whether the entry explains the question's key terms
(intents.terms). The head term — the last key term that does not say who (退役军人, 烈属) —
stands for the thing asked about: in 我是退伍军人，身份证丢了怎么补办 it is 身份证, which no
entry explains, so the question goes to the police, not to the card entry that shares 补办.

- A head that belongs to another office's domain is declined with that office, unless the
  question is about veterans (an anchor word) and the entry explains the head (退伍后户口怎么落).
- Without any anchor word, an office word that the entry does not explain also declines.
- With an anchor (浙江丧葬费抚恤金, 退役军人换驾照有绿色通道吗), every other-office subject must
  be explained by the entry answering, or the question is declined. A part of it is not
  enough: 医保卡激活 is not explained by an entry speaking of 医保卡, and what is done with
  another office's thing (养老保险 + 补交, 看病 + 报销, 户口本 + 补办: intents.terms.Doings)
  must be paired in one of the entry's own phrasings (残疾军人看病怎么报销).
- Not sure of any entry, with a veteran named and another office's subject asked about
  (退伍军人结婚登记去哪里): declined with that office's pointer, not a bare fallback.
- Close entries are told apart by the head: the one whose title or keywords own it wins
  (a family member asking about a document is asking about the document); an entry that only
  mentions the head, not sure enough, is offered together with the one that owns it.
"""

from __future__ import annotations

from intents.choice import ANSWER_AT, CLARIFY_AT, WIDE_MARGIN, choose
from intents.decision import Answer, Clarify, Decision, Fallback, Intent, Office
from intents.doings import Doing, Doings
from intents.examples import OUT_OF_SCOPE
from intents.index import ClassMatch
from intents.reading import Reading
from intents.terms import Explainers, Found

LEFT_OVER = 1  # characters of another office's compound its explained parts may leave out
TIE_BREAK_GAP = 0.15  # an entry owning the head may be this far behind the best and still win
VAGUE_GAP = 0.15  # a question without key terms is offered the entries this close to the best
EXACT = 0.95  # ... unless it is (nearly) one of the best entry's own phrasings
SURE = 0.45  # below this, an entry that only mentions the head is offered with the one owning it
# An off-topic decision is taken back for an entry when a veteran is named only if the entry
# scores at least this (an outright answer's bar) and trails the off-topic match by at most this.
TAKE_BACK_AT = ANSWER_AT
TAKE_BACK_GAP = WIDE_MARGIN


class Aboutness:
    def __init__(
        self,
        explainers: Explainers,
        class_index: dict[str, int],
        offices: dict[str, Office],
        example_domain: dict[str, str],
        doings: Doings,
    ) -> None:
        self.explainers = explainers
        self.doings = doings
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
        self, score: float, subject: Found | Doing, reading: Reading, names: list[str]
    ) -> Intent:
        unexplained = self.unexplained(names, reading)
        if isinstance(subject, Doing):  # 养老保险补交: the pairing is what no entry explains
            unexplained = (subject.text, *unexplained)
        office = self.offices.get(_domain(subject))
        return Intent(
            OUT_OF_SCOPE, score, office=office, unexplained=unexplained or (_text(subject),)
        )

    def explains_doing(self, name: str, doing: Doing) -> bool:
        klass = self.class_index.get(name)
        return klass is not None and self.doings.explains(klass, doing)

    def refine(self, decision: Decision, matches: list[ClassMatch], reading: Reading) -> Decision:
        """`decision` (from the scores) checked against what the question is about."""
        entries = [m for m in matches if not m.name.startswith("@")]
        names: list[str] = []
        if isinstance(decision, Answer):
            decision = self._explaining(decision, entries, reading)
            names = [decision.entry_id]
        elif isinstance(decision, Clarify):
            names = list(decision.options)
        elif isinstance(decision, Fallback) and (
            reading.doings or (reading.head and reading.head.term.office)
        ):
            # Not sure of any entry, and what is asked about is another office's subject: the
            # close entries still say whether it is ours (退伍军人结婚登记去哪里 is the civil
            # affairs office's, and gets its pointer). A letter mentioning one in passing
            # (小学文化) is not about it.
            names = [m.name for m in entries[:3]]
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

    def _explaining(self, decision: Answer, entries: list[ClassMatch], reading: Reading) -> Answer:
        """The answer, or a close entry that explains the other-office subjects it does not
        (参战老兵住院能报多少: the medical entry pairs 住院 with 报销, the combat one does not)."""
        if not reading.anchored or not self._unexplained_subjects([decision.entry_id], reading):
            return decision
        explaining = [
            m
            for m in entries[1:4]
            if decision.score - m.score <= TIE_BREAK_GAP
            and m.score >= CLARIFY_AT
            and not self._unexplained_subjects([m.name], reading)
        ]
        if len(explaining) != 1:
            return decision
        return Answer(explaining[0].name, explaining[0].score, decision.also)

    def _unexplained_subjects(self, names: list[str], reading: Reading) -> list[Found | Doing]:
        """The question's other-office subjects (people aside) that none of `names` explains,
        as a whole or by parts covering it (社保缴费年限), then its other offices' business
        that none pairs in a phrasing of its own (养老保险补交)."""
        terms: list[Found | Doing] = [
            f
            for f in _offices(reading)
            if not f.term.person and not any(self._explains_subject(n, f, reading) for n in names)
        ]
        doings = [d for d in reading.doings if not any(self.explains_doing(n, d) for n in names)]
        return [*terms, *doings]

    def _explains_subject(self, name: str, subject: Found, reading: Reading) -> bool:
        """Whether entry `name` explains another office's subject: as a whole, or, about
        veterans, by parts that cover all of it but at most one character: 社保缴费年限 by 社保
        and 缴费年限, 社保卡 by 社保 (a one-character 卡 or 本 names that thing's document), but
        not 医保卡激活 by 医保卡 (the activating is the medical insurance office's), nor
        社保缴费记录 by 社保."""
        if self.explains(name, subject):
            return True
        if not reading.anchored:
            return False
        pieces = [
            f
            for f in (*subject.inner, *reading.found)
            if f is not subject and f.start < subject.end and subject.start < f.end
        ]
        covered: set[int] = set()
        for piece, ok in zip(pieces, self._explains(name, pieces), strict=True):
            if ok:
                covered.update(range(piece.start, piece.end))
        return len(set(range(subject.start, subject.end)) - covered) <= LEFT_OVER

    def _all_explained(self, decision: Answer | Clarify, reading: Reading) -> bool:
        names = [decision.entry_id] if isinstance(decision, Answer) else list(decision.options)
        return not self._unexplained_subjects(names, reading)

    def _elsewhere(self, decision: Decision, names: list[str], reading: Reading) -> Intent | None:
        """A decline with an office when the question belongs to another office, else None."""
        score, head, offices = decision.score, reading.head, _offices(reading)
        if reading.others and (names or isinstance(decision, Fallback)):
            # 职工去世抚恤金怎么领: about someone another office serves, and no veteran named.
            return self._decline(score, reading.others[0], reading, names)
        subjects: list[Found | Doing] = [*offices, *reading.doings]
        if subjects and names:
            if head is not None and head.term.office:
                # About veterans, a compound is explained by parts that cover it (社保缴费年限
                # by 社保 and 缴费年限, not 医保卡激活 by 医保卡); otherwise only as a whole
                # (养老服务站 is not the station entry's 服务站).
                explained = any(self._explains_subject(n, head, reading) for n in names)
                if not reading.anchored or not explained:
                    return self._decline(score, head, reading, names)
            kin = [
                f
                for f in reading.relatives
                if not any(
                    self.explains(n, f) and not self._unexplained_subjects([n], reading)
                    for n in names
                )
            ]
            if kin:
                # 俺是老兵，俺家孙子上户口咋弄, 退伍军人的孩子考公务员: another office's
                # subject for a family member the entry never speaks of is not the veteran's.
                return self._decline(score, subjects[-1], reading, names)
            if reading.anchored:
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
                # 退役后落户), or what is done with it (家属看病报销 is not 优抚对象看病).
                return self._decline(score, subjects[-1], reading, names)
        if isinstance(decision, Fallback) and subjects and not reading.anchored:
            return self._decline(
                score, head if head and head.term.office else subjects[-1], reading, []
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
        elif reading.doings:
            domain = reading.doings[-1].domain
        elif offices:
            domain = offices[-1].term.office
        else:
            best = next((m for m in matches if m.name == OUT_OF_SCOPE), None)
            domain = self.example_domain.get(best.phrasing) if best else None
        office = self.offices.get(domain) if domain else None
        unexplained = self.unexplained([], reading)
        return Intent(decision.name, decision.score, office=office, unexplained=unexplained)


def _domain(subject: Found | Doing) -> str:
    return subject.domain if isinstance(subject, Doing) else subject.term.office or ""


def _text(subject: Found | Doing) -> str:
    return subject.text if isinstance(subject, Doing) else subject.term.text


def _offices(reading: Reading) -> list[Found]:
    """The question's terms that belong to another office's domain, but things to bring for
    what it asks about (办优待证需要户口本吗)."""
    return [f for f in reading.found if f.term.office and f.start not in reading.brought]
