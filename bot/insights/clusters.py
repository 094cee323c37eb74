"""Questions of the same need, together: the inbox shows one line per need, not per question.

Each question is read as understanding reads it (`intents`): pinyin typed for characters
turned back into characters, normalised (full width, traditional characters, numerals, the
`fold` synonyms), then cut into features — the dictionary words it contains (segmentation),
character and pinyin bigrams (typos that sound alike), and the `concepts` of synonyms.yaml —
weighed as the understanding's own index weighs them, so words every entry uses count little
and a word no entry knows (what the knowledge base lacks) counts a fair amount. The generic
ways of asking and the words for who asks (退役军人, 老兵: lexicon.yaml's `veteran_people`) say
nothing of the need, whatever the size of the knowledge base, and count as little as the index
counts generic words.

Two questions are alike by the cosine of their weighted features. Groups grow from the most
alike pairs, and two groups join only when their centres are alike too, so a chain of small
resemblances does not make one group of different needs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from intents.features import KIND_WEIGHTS, Featurizer, distinct, kind_of
from intents.index import GENERIC_WEIGHT
from intents.normalize import LEXICON, normalize, normalize_many
from intents.understand import Understanding

SAME_NEED = 0.38  # cosine above which two questions (or two groups' centres) ask the same thing

Vector = dict[int, float]


@dataclass(frozen=True, slots=True)
class Grouping:
    """The groups, as lists of question numbers (most alike first), largest group first."""

    groups: list[list[int]]


def vector(text: str, understanding: Understanding) -> Vector:
    """The question's features with their weights, scaled to length 1 ({} for none)."""
    normal = normalize(understanding.romanised.convert(text))
    index = understanding.index
    keys = index.featurizer.keys(normal) if normal else np.zeros(0, dtype=np.int64)
    if not len(keys):
        return {}
    vocab = index.vocab
    at = np.searchsorted(vocab, keys).clip(max=max(len(vocab) - 1, 0))
    known = vocab[at] == keys if len(vocab) else np.zeros(len(keys), dtype=bool)
    weights = KIND_WEIGHTS[kind_of(keys)] * index.unknown_idf
    weights[known] = index.weight[at[known]]
    asides = _asides(index.featurizer)
    if len(asides):
        at_aside = np.searchsorted(asides, keys).clip(max=len(asides) - 1)
        weights[asides[at_aside] == keys] *= GENERIC_WEIGHT
    norm = math.sqrt(float((weights**2).sum()))
    if norm == 0:
        return {}
    return {int(k): float(w) / norm for k, w in zip(keys, weights, strict=True) if w > 0}


@lru_cache(maxsize=4)
def _asides(featurizer: Featurizer) -> np.ndarray:
    """The features of the generic ways of asking and of the words for who asks."""
    people = normalize_many(LEXICON["veteran_people"].split())
    return distinct(np.concatenate((featurizer.generic, featurizer.batch(people)[1])))


def group(
    texts: Sequence[str], understanding: Understanding, threshold: float = SAME_NEED
) -> Grouping:
    """Group `texts` by need."""
    asked = Counter(texts)  # a question asked twice is read once, and weighs twice
    unique = list(asked)
    vectors = [vector(text, understanding) for text in unique]
    parent = list(range(len(unique)))
    centres = [
        {k: w * asked[t] for k, w in v.items()} for t, v in zip(unique, vectors, strict=True)
    ]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in _alike_pairs(vectors, threshold):
        a, b = root(i), root(j)
        if a == b or _cosine(centres[a], centres[b]) < threshold:
            continue
        if len(centres[a]) < len(centres[b]):
            a, b = b, a
        parent[b] = a
        for key, weight in centres[b].items():
            centres[a][key] = centres[a].get(key, 0.0) + weight
        centres[b] = {}
    position = {text: number for number, text in enumerate(unique)}
    members: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        members.setdefault(root(position[text]), []).append(i)
    groups = sorted(members.values(), key=lambda g: (-len(g), g[0]))
    return Grouping(groups)


def _alike_pairs(vectors: list[Vector], threshold: float) -> list[tuple[float, int, int]]:
    """Every pair of questions at least `threshold` alike, most alike first.

    Through an inverted index: each question meets only the later ones sharing a feature with
    it, and its dot products with all of them are one `bincount`."""
    postings: dict[int, list[tuple[int, float]]] = {}
    for number, found in enumerate(vectors):
        for key, weight in found.items():
            postings.setdefault(key, []).append((number, weight))
    arrays = {
        key: (np.array([n for n, _ in p], dtype=np.int64), np.array([w for _, w in p]))
        for key, p in postings.items()
        if len(p) > 1  # a feature of one question makes no pair
    }
    seen = dict.fromkeys(arrays, 0)  # per feature, how many of its questions came before
    pairs: list[tuple[float, int, int]] = []
    for number, found in enumerate(vectors):
        others, products = [], []
        for key, weight in found.items():
            if key not in arrays:
                continue
            seen[key] += 1
            ids, weights = arrays[key]
            others.append(ids[seen[key] :])  # the later questions with this feature
            products.append(weights[seen[key] :] * weight)
        if not others:
            continue
        scores = np.bincount(
            np.concatenate(others), np.concatenate(products), minlength=len(vectors)
        )
        for other in np.flatnonzero(scores >= threshold):
            pairs.append((float(scores[other]), number, int(other)))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return pairs


def _cosine(a: Vector, b: Vector) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(w * large.get(k, 0.0) for k, w in small.items())
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
