"""Understanding: a message in, a `Decision` out. Pure and deterministic given the knowledge base.

Order of precedence: the safety classifier (distress, threats, anger, asking for a person);
then the best-matching class among knowledge-base entries, conversation intents and everyday
off-topic examples (intents.choice), checked against what the question is about
(intents.about); long letters are also read piece by piece (intents.letters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from intents.about import Aboutness
from intents.choice import choose, choose_in_letter
from intents.concepts import load_concepts
from intents.decision import Answer, Decision, Intent
from intents.doings import Doings, office_doings
from intents.examples import GUIDE, HUMAN, Examples, load_examples
from intents.features import Featurizer
from intents.index import SHORTLIST, ClassMatch, MatchIndex
from intents.letters import LONG_LETTER, Letters
from intents.normalize import (
    FOLD_VARIANTS,
    LEXICON,
    normalize,
    normalize_both,
    normalize_many,
)
from intents.reading import Reading, brought
from intents.romanised import Romanised
from intents.safety import SafetyClassifier, Verdict
from intents.terms import Explainers, TermTable
from policies.loader import KnowledgeBase

_PIECES = re.compile(r"\s+")
Chooser = Callable[[list[ClassMatch]], Decision]
PIECE_SHORTLIST = 8
RIGHTS = "rights."  # the complaint and petition entries
# A letter asks something of us (not only tells how long it has waited).
_ASKS = re.compile(
    r"请问|想问|问一下|问问|想知道|想了解|能不能|可不可以|能否|是否|怎么办|怎么申请|找谁|去哪"
)


@dataclass(frozen=True, slots=True)
class Explanation:
    text: str  # normalised
    matches: list[ClassMatch]
    decision: Decision
    terms: tuple[str, ...] = ()  # the key terms found, in order; the head is the last non-anchor
    head: str = ""
    safety: dict[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    romanised: str = ""  # the message with its pinyin turned into characters, if it had any


def _terms_of(kb: KnowledgeBase) -> tuple[list[str], list[list[str]]]:
    """Every entry's own key terms (keywords, title pieces), normalised: all, and per entry."""
    owned_raw = [[entry.title, *entry.keywords] for entry in kb.entries]
    flat = normalize_many([t for texts in owned_raw for t in texts])
    per_entry, cursor = [], 0
    for texts in owned_raw:
        per_entry.append(
            [p for t in flat[cursor : cursor + len(texts)] for p in _PIECES.split(t) if p]
        )
        cursor += len(texts)
    return [t for texts in per_entry for t in texts], per_entry


class Understanding:
    """The understanding of one knowledge base. Build once per knowledge-base version."""

    def __init__(
        self,
        kb: KnowledgeBase,
        examples: Examples,
        index: MatchIndex,
        terms: TermTable,
        about: Aboutness,
        romanised: Romanised,
        safety: SafetyClassifier,
        guides: dict[str, str] | None = None,
    ) -> None:
        self.kb = kb
        self.examples = examples
        self.index = index
        self.terms = terms
        self.about = about
        self.romanised = romanised
        self.safety = safety
        # A guide's own phrasing (normalised) -> the guide: when it is the phrasing an answer
        # rests on, the question asks whether the rule applies ("我能不能安排工作").
        self.guides = guides or {}
        self.letters = Letters(self._decide_piece, terms.find, about)

    @classmethod
    def build(cls, kb: KnowledgeBase, examples: Examples | None = None) -> Understanding:
        examples = examples or load_examples()
        concepts = load_concepts()
        classes: dict[str, list[str]] = {}
        domain_words: list[str] = []
        for entry in kb.entries:
            texts = [entry.title, *entry.questions, *entry.keywords]
            if entry.en:
                texts += [entry.en.title, entry.en.answer]
            classes[entry.id] = texts
            domain_words.extend(entry.keywords)
            domain_words.append(entry.title)
        for name, phrasings in examples.intents.items():
            classes[name] = list(phrasings)
        for guide in kb.guides:  # "我能不能安排工作": phrasings of its entry that start it
            classes[guide.entry] = [*classes.get(guide.entry, []), guide.title.zh, *guide.asks]
        domain_words.extend(examples.office_words)
        featurizer = Featurizer(domain_words, concepts)
        index = MatchIndex(classes, featurizer)
        topic_words, owned = _terms_of(kb)
        anchors = [normalize(w) for w in LEXICON["veteran_things"].split()]
        people = [normalize(w) for w in LEXICON["veteran_people"].split()]
        ignore = [*LEXICON["generic"].split(), *LEXICON["stop_words"].split()]
        vague = [normalize(w) for w in LEXICON["vague_words"].split()]
        relatives = [normalize(w) for w in LEXICON["relatives"].split()]
        table = TermTable(
            topic_words,
            concepts,
            examples.office_words,
            anchors,
            [*ignore, *vague],
            people,
            sorted(examples.office_people),
            relatives,
        )
        class_index = {name: number for number, name in enumerate(index.names)}
        text_class = np.repeat(np.arange(len(index.names)), np.diff(index.class_ptr))
        owned_texts = [t for texts in owned for t in texts]
        owned_class = np.repeat(
            np.array([class_index[e.id] for e in kb.entries], dtype=np.int64),
            [len(texts) for texts in owned],
        )
        explainers = Explainers(
            table, len(index.names), index.texts, text_class, owned_texts, owned_class
        )
        doings = Doings(office_doings(examples.offices), index.texts, index.class_ptr)
        about = Aboutness(
            explainers, class_index, examples.offices, examples.example_domain, doings
        )
        safety = SafetyClassifier(is_word=featurizer.is_word)
        # Safety words too, so 'wo bu xiang huo le' still reaches a person.
        cues = [cue for reason in safety.reasons for cue in reason.cues]
        vocabulary = [*topic_words, *concepts, *FOLD_VARIANTS, *ignore, *anchors, *people, *cues]
        english = [*LEXICON["stop_words"].split(), *_english_words(kb, examples)]
        guides = {
            phrasing: guide.id
            for guide in kb.guides
            for phrasing in normalize_many([guide.title.zh, *guide.asks])
        }
        romanised = Romanised(vocabulary, english, topic_words)
        return cls(kb, examples, index, table, about, romanised, safety, guides)

    def decide(self, text: str) -> Decision:
        return self.explain(text).decision

    def _decide_normal(
        self, normal: str, shortlist: int = SHORTLIST, chooser: Chooser = choose
    ) -> tuple[Decision, list[ClassMatch], Reading]:
        matches = self.index.top(normal, shortlist=shortlist) if normal else []
        found = self.terms.find(normal)
        reading = Reading.of(found, self.about.doings.find(normal), brought(normal, found))
        return self.about.refine(chooser(matches), matches, reading), matches, reading

    def _decide_piece(self, normal: str) -> tuple[Decision, list[ClassMatch], Reading]:
        """A piece of a letter: fewer classes compared, since a letter is read in many pieces,
        and judged in the letter's context (`choose_in_letter`)."""
        return self._decide_normal(normal, PIECE_SHORTLIST, choose_in_letter)

    def explain(self, text: str) -> Explanation:
        romanised = self.romanised.convert(text)
        normal, compact = normalize_both(romanised)
        decision, matches, reading = self._decide_normal(normal)
        scores = self.safety.scores(compact)
        verdict = self.safety.classify(compact, scores)
        if verdict is not None and verdict.reason == "frustrated" and len(normal) > LONG_LETTER:
            decision, verdict = self._frustrated_letter(
                romanised, normal, decision, reading, verdict
            )
        if verdict is not None and not (
            verdict.reason == "frustrated"
            and isinstance(decision, Answer)
            and decision.entry_id.startswith(RIGHTS)
        ):
            # Frustration is answered only by the complaint and petition entries, whose
            # answers offer a person; 优待证办了半年没人管 needs the person, not the card FAQ.
            decision = _handoff(verdict)
        elif len(normal) > LONG_LETTER:
            decision = self.letters.read(romanised, normal, decision, reading)
        else:
            decision = self._guided(decision, matches)
        return Explanation(
            normal,
            matches,
            decision,
            tuple(f.term.text for f in reading.found),
            reading.head.term.text if reading.head else "",
            scores,
            romanised if romanised != text else "",
        )

    def _frustrated_letter(
        self, text: str, normal: str, decision: Decision, reading: Reading, verdict: Verdict
    ) -> tuple[Decision, Verdict | None]:
        """A long letter that is fed up but asks a question (一直没人跟我说过……请问能不能领
        补助) gets the answer it asks for, which offers a person too; one that asks nothing
        we can answer still goes to a person."""
        if not _ASKS.search(text):
            return decision, verdict
        read = self.letters.read(text, normal, decision, reading)
        return (read, None) if isinstance(read, Answer) else (decision, verdict)

    def _guided(self, decision: Decision, matches: list[ClassMatch]) -> Decision:
        """An answer resting on a guide's phrasing starts the guide ("@guide:<id>")."""
        if not isinstance(decision, Answer) or not matches or matches[0].name != decision.entry_id:
            return decision
        guide = self.guides.get(matches[0].phrasing)
        return decision if guide is None else Intent(GUIDE + guide, decision.score)


def _handoff(verdict: Verdict) -> Intent:
    return Intent(HUMAN, 1.0, urgent=verdict.urgent, reason=verdict.reason)


def _english_words(kb: KnowledgeBase, examples: Examples) -> set[str]:
    """English words of the knowledge base and the examples: a run with one is English."""
    texts = [e.en.title + " " + e.en.answer for e in kb.entries if e.en]
    texts += [q for e in kb.entries for q in e.questions if q.isascii()]
    texts += [p for phrasings in examples.intents.values() for p in phrasings if p.isascii()]
    return {w for t in texts for w in re.findall(r"[a-z]+", t.lower()) if len(w) > 1}
