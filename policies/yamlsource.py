"""Read one YAML file and keep the node tree, so any error can name the line it is about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.errors import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
# Parser events a file may have. The real knowledge base has a few tens of thousands; a file
# far beyond that is not something an admin wrote by hand.
MAX_EVENTS = 500_000


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed YAML document and its node tree (for line numbers)."""

    path: str
    data: Any
    node: yaml.Node | None

    def line_of(self, loc: tuple[int | str, ...]) -> int:
        """The 1-based line of the value at `loc` (a pydantic error location), or its nearest parent."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def read(path: Path, shown_as: str) -> tuple[Source | None, list[Problem]]:
    """Parse `path`; on failure return None and the problems, each with its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown_as, 1, f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(shown_as, 1, f"file is larger than {MAX_FILE_BYTES} bytes")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown_as, line, "not UTF-8 text; save the file as UTF-8")]
    problems = _tabs(text, shown_as)
    if problems:
        return None, problems
    try:
        problem = _structure(text, shown_as)
        if problem is not None:
            return None, [problem]
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(shown_as, line, f"YAML syntax error: {what} (check the indentation)")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown_as, 1, f"YAML syntax error: {exc}")]
    source = Source(shown_as, data, node)
    return source, _duplicate_keys(node, shown_as)


def _structure(text: str, shown_as: str) -> Problem | None:
    """Refuse anchors and aliases, and files with too many nodes, before building anything.

    An alias makes one node stand in many places, so a few hundred bytes of nested aliases
    expand to billions of values (the "billion laughs"): every later walk would take minutes.
    Nothing in the knowledge base needs them; writing the value out is always possible.
    """
    for count, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader)):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else 1
            return Problem(
                shown_as,
                line,
                "anchors and aliases (&name, *name) are not allowed here; write the value out",
            )
        if count > MAX_EVENTS:
            return Problem(shown_as, 1, f"the file has more than {MAX_EVENTS} YAML nodes")
    return None


def _tabs(text: str, shown_as: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(shown_as, number, "a tab is used for indentation; YAML needs spaces")
            )
    return problems


def _duplicate_keys(node: yaml.Node | None, shown_as: str) -> list[Problem]:
    """PyYAML keeps the last of two equal keys silently; an admin's typo must not vanish like that."""
    problems: list[Problem] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(
                            Problem(
                                shown_as,
                                key.start_mark.line + 1,
                                f"key '{key.value}' appears twice in the same mapping",
                            )
                        )
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return problems
