"""Long messages: letters asking several things, run-on questions and written grievances.

A letter is also read clause by clause and in pairs of clauses (a question often spans a
comma); a run-on message without punctuation is read in windows around its key terms, so the
one thing it asks among the chatter is found. A letter that asks nothing we can answer but
reads as a grievance (several grievance words, lexicon.yaml) goes to the complaints or petition
entry, whose answers offer a person, instead of "not sure".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

from intents.about import Aboutness
from intents.choice import ANSWER_AT, CLARIFY_AT
from intents.decision import Answer, Clarify, Decision, Fallback, Intent
from intents.examples import OUT_OF_SCOPE
from intents.index import ClassMatch
from intents.normalize import LEXICON, normalize
from intents.reading import Reading
from intents.terms import Found

LONG_LETTER = 40  # characters: longer messages are also read piece by piece
RUN_ON = 30  # a clause this long is read in windows around its key terms
WINDOW_BEFORE, WINDOW_AFTER = 12, 8  # characters around a key term
MAX_WINDOWS = 4
UNASKED = 0.55  # the score a piece of a letter without a question needs
MAX_PIECES = 10  # a letter is read in at most this many pieces (each costs a search)
GRIEVANCE = 3  # distinct grievance words that make a letter a grievance
PETITION, COMPLAINT = "rights.petition", "rights.complaint"

_CLAUSES = re.compile(r"[。！？!?；;\n，,、…]+|\s{2,}")
# A letter that asks something (a question, or an indirect one: 不知道…有没有) ...
_INTERROGATIVE = (
    r"[?？]|请问|想问|问一下|问问|咨询|怎么|怎样|如何|吗|么$|能否|可否|是否|能不能|可不可以|请告知"
    r"|想了解|了解一下|怎么办|多少|哪(?!怕)|什么|几时|几点|多久|啥|咋|为什么|找谁|有没有|有冇|有无"
    r"|不知道|行不行|能不能够|要不要"
)
# ... or only asks to be helped (希望能得到解决): with grievance words, that is a petition.
_REQUEST = r"求助|要求|请求|建议|恳请|请批示|希望"
_ASKING = re.compile(_INTERROGATIVE)
_QUESTION = re.compile(_INTERROGATIVE + "|" + _REQUEST)
_ASKS = re.compile(
    r"请问|想问一下|想问问|想问下|想问|问一下|问下|问问|我想知道|想知道|咨询一下|请教"
)
ASKED = (14, 24)  # characters after a 想问 read as the question
_GRIEVANCE_WORDS = tuple(dict.fromkeys(normalize(w) for w in LEXICON["grievance_words"].split()))
_WEAK_WORDS = tuple(dict.fromkeys(normalize(w) for w in LEXICON["grievance_weak_words"].split()))
WEAK = 0.5

DecideNormal = Callable[[str], tuple[Decision, list[ClassMatch], Reading]]
FindTerms = Callable[[str], list[Found]]


class Letters:
    def __init__(self, decide: DecideNormal, find: FindTerms, about: Aboutness) -> None:
        self.decide = decide
        self.find = find
        self.about = about

    def _topical(self, normal: str) -> list[Found]:
        return [f for f in self.find(normal) if not f.term.person]

    def _pieces(self, text: str) -> list[str]:
        """The pieces worth deciding on their own: clauses that name something (a term other
        than who is asking), a clause joined to its neighbour when only one of them does (the
        topic before the comma, the ask after it), and windows of run-on clauses."""
        clauses = [c for c in (normalize(c) for c in _CLAUSES.split(text)) if c]
        topical = [self._topical(c) for c in clauses]
        pieces = [c for c, terms in zip(clauses, topical, strict=True) if terms]
        for (a, a_terms), (b, b_terms) in pairwise(zip(clauses, topical, strict=True)):
            if bool(a_terms) != bool(b_terms):
                pieces.append(a + " " + b)
        for clause, terms in zip(clauses, topical, strict=True):
            if len(clause) > RUN_ON:
                pieces += self._named_and_asked(clause)
                pieces += self._windows(clause, terms)
                # What follows 想问一下 is usually the one thing a run-on message asks.
                pieces += [
                    clause[m.end() : m.end() + size]
                    for m in _ASKS.finditer(clause)
                    for size in ASKED
                ]
        return [p for p in dict.fromkeys(pieces) if len(p) >= 4][:MAX_PIECES]

    def _named_and_asked(self, clause: str) -> list[str]:
        """A run-on clause read as what it names and what it asks: its key terms in order,
        then what follows its last 想问 (我是湖北人在广东打工……现在听说有个优待证可以办我想问下
        我这种人能不能办在哪里办 is 在部队 退役 优待证 我这种人能不能办在哪里办)."""
        asks = list(_ASKS.finditer(clause))
        if not asks:
            return []
        named = dict.fromkeys(f.term.text for f in self.find(clause))
        if not named:
            return []
        return [" ".join(named) + " " + clause[asks[-1].end() : asks[-1].end() + ASKED[-1]]]

    @staticmethod
    def _windows(clause: str, terms: list[Found]) -> list[str]:
        out = [clause[max(0, f.start - WINDOW_BEFORE) : f.end + WINDOW_AFTER] for f in terms]
        return out[-MAX_WINDOWS:]

    def read(self, text: str, normal: str, whole: Decision, reading: Reading) -> Decision:
        """The best single answer of a long `text` (`normal`: its `normalize`), the other
        topics it raised as `also`."""
        grievance = self._grievance(normal)
        if grievance and self._veterans_grievance(whole, reading):
            return Answer(self._rights_entry(normal), whole.score)
        if isinstance(whole, Intent):
            return whole
        if not reading.anchored and any(f.term.office for f in reading.found):
            return whole  # a letter about someone else's affairs (a 社区 医保 clerk's manner)
        if grievance and not _ASKING.search(text):
            # Not a question (at most a plea: 希望领导重视): a veteran setting out a grievance,
            # for the petition desk.
            entry = self._rights_entry(normal)
            if entry in self.about.class_index:
                return Answer(entry, whole.score)
        found: dict[str, float] = {}
        # A letter that asks nothing (an account, a thank-you) is answered from a piece only
        # when that piece is unmistakable: a wrong answer is worse than "not sure".
        bar = 0.0 if _QUESTION.search(text) else UNASKED
        for piece in self._pieces(text):
            part, _, piece_reading = self.decide(piece)
            if (
                isinstance(part, Answer)
                and part.score >= bar
                and self._about(part, piece_reading, reading)
            ):
                found[part.entry_id] = max(found.get(part.entry_id, 0.0), part.score)
        if isinstance(whole, Answer):
            found.pop(whole.entry_id, None)
            also = tuple(sorted(found, key=lambda k: -found[k]))[:2]
            return Answer(whole.entry_id, whole.score, also)
        if found:
            ranked = sorted(found, key=lambda k: -found[k])
            if not self._fits(ranked[0], found[ranked[0]], whole, reading):
                return whole
            return Answer(ranked[0], found[ranked[0]], tuple(ranked[1:3]))
        if isinstance(whole, Fallback | Clarify) and grievance:
            entry = self._rights_entry(normal)
            if entry in self.about.class_index:
                return Answer(entry, whole.score)
        return whole

    def _veterans_grievance(self, whole: Decision, reading: Reading) -> bool:
        """A grievance letter about veterans whose head is the grievance itself (历史遗留问题,
        反映), declined only for another office's subject it mentions on the way (下岗的退伍军人
        ……工龄军龄也没算进去……一直在反映): the petition desk's, not that office's."""
        head = reading.head
        return (
            isinstance(whole, Intent)
            and whole.name == OUT_OF_SCOPE
            and reading.anchored
            and head is not None
            and any(self.about.owns(entry, head) for entry in (PETITION, COMPLAINT))
        )

    def _fits(self, entry: str, score: float, whole: Decision, reading: Reading) -> bool:
        """A piece's answer stands for the whole letter only when it is about what the letter
        asks: where the whole letter was unsure between some entries, one of them, an entry
        explaining the letter's head (its last key term), or an unmistakable piece.
        我叔叔是烈士，牺牲在老山前线……不知道他葬在哪个陵园 asks where he lies, not what
        combat veterans get."""
        if score >= UNASKED or reading.head is None or not isinstance(whole, Clarify):
            return True
        return entry in whole.options or self.about.explains(entry, reading.head)

    def _about(self, part: Answer, reading: Reading, letter: Reading) -> bool:
        """A piece counts when its entry explains what the piece is about: 需要准备哪些材料 alone
        says nothing, and an entry that owns the piece's head counts even at a modest score. A
        piece naming nothing counts when sure, in a letter about veterans (我是退伍的……我想问
        怎么改一下信息: the 信息 is the veteran's)."""
        head = reading.head
        if head is None:
            return part.score >= ANSWER_AT and (reading.anchored or letter.anchored)
        if self.about.owns(part.entry_id, head):
            return part.score >= CLARIFY_AT
        return part.score >= ANSWER_AT and self.about.explains(part.entry_id, head)

    @staticmethod
    def _grievance(normal: str) -> bool:
        strong = sum(word in normal for word in _GRIEVANCE_WORDS)
        return strong + WEAK * sum(word in normal for word in _WEAK_WORDS) >= GRIEVANCE

    def _rights_entry(self, normal: str) -> str:
        """A complaint about how staff served (态度, 推诿…) or a petition about the rest."""
        _, matches, _ = self.decide(normal)
        scores = {m.name: m.score for m in matches}
        return COMPLAINT if scores.get(COMPLAINT, 0.0) > scores.get(PETITION, 0.0) else PETITION
