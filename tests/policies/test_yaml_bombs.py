"""A hostile or careless YAML file is refused at once, never expanded: the check and a running
server's reload must stay quick, so an admin's fix can always replace it."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.errors import PolicyValidationError
from policies.loader import load
from tests.policies.test_check import GOOD_ENTRY, check, policies, write

__all__ = ["policies"]

# 9 levels of 9 aliases: about 390 million strings once expanded, in under 400 bytes.
BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
)


def test_alias_bomb_is_refused_without_expanding(policies: Path) -> None:
    write(policies, GOOD_ENTRY + BILLION_LAUGHS + "\n")
    code, output = check(policies)
    assert code == 1, output
    assert "kb/extra.yaml:" in output and "anchors and aliases" in output


def test_a_single_harmless_alias_is_refused_too(policies: Path) -> None:
    write(
        policies,
        GOOD_ENTRY.replace("questions: [示例问题一, 示例问题二]", "questions: &q [示例问题一]"),
    )
    with pytest.raises(PolicyValidationError) as caught:
        load(policies)
    [problem] = [p for p in caught.value.problems if "alias" in str(p)]
    assert str(problem).startswith("policies/kb/extra.yaml:5:"), problem
