"""Knowledge-base errors. Every problem carries the file and line it was found at.

PolicyError                 -- base of this package's exceptions
 └── PolicyValidationError  -- one or more `Problem`s; the knowledge base was not loaded
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong (or, with `warning=True`, worth a look) in a YAML file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        tag = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {tag}{self.message}"


class PolicyError(Exception):
    """Base class of knowledge-base errors."""


class PolicyValidationError(PolicyError):
    """The YAML did not validate; `problems` lists every error found (not just the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"the knowledge base has {len(self.problems)} problem(s):\n{lines}")


def display_path(path: Path, root: Path) -> str:
    """A path as admins see it in messages: relative to the policies folder when inside it."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
