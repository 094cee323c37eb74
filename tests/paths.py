"""Where things are, for tests: the checkout, the shared folder beside it, the fixture policies."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # beside the checkout, in CI as on a developer's machine
FIXTURE_KB = REPO / "tests" / "bot" / "fixture_policies"
