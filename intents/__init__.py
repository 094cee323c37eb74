"""Understanding: text -> a `Decision` (answer, clarify, intent or fallback), explained and deterministic.

- normalize: one canonical form (NFKC, traditional to simplified, synonyms.yaml `fold`, numerals)
- concepts: synonyms.yaml `concepts`, words that mean the same thing here
- romanised: whole pinyin and initials back to the knowledge base's words
- features / index: feature keys and the match index (BM25 per class, best phrasing, pinyin)
- terms: key terms, which classes explain and own them, other offices' words
- choice: the score-based decision with calibrated thresholds
- about: is the chosen entry about what the question is about (declines with an office,
  tie-breaks by the head term)
- letters: long letters, run-on questions, written grievances
- safety: the classifier of distress, threats, anger and asking for a person (safety.yaml)
- examples: intents.yaml and out_of_scope.yaml (domains with their offices)
- understand: the whole pipeline; evaluate: scoring evaluation files
"""
