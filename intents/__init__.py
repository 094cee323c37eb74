"""Understanding: text -> a `Decision` (answer, clarify, intent or fallback), explained and deterministic."""
