"""The knowledge base being served, and swapping in a new one when admins edit the YAML.

Loading and building the understanding take about a second, so they run in a thread; the
swap itself is one reference assignment, and the engine reads the reference once per message,
so every message is answered wholly by one knowledge base.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from watchfiles import awatch

from bot.errors import KnowledgeUnavailable
from intents.understand import Understanding
from policies.errors import PolicyValidationError, Problem
from policies.loader import KnowledgeBase, load

log = logging.getLogger(__name__)

RELOAD_LIMIT = 60.0  # seconds; the real knowledge base loads in about one


@dataclass(frozen=True, slots=True)
class Knowledge:
    """One loaded knowledge base and the understanding built from it."""

    kb: KnowledgeBase
    understanding: Understanding

    @classmethod
    def build(cls, folder: Path) -> Knowledge:
        kb = load(folder)
        return cls(kb, Understanding.build(kb))


class KnowledgeStore:
    """Holds the current `Knowledge`; `reload()` replaces it only with one that validates."""

    def __init__(self, folder: Path, current: Knowledge) -> None:
        self.folder = folder
        self._current = current
        self.failed: tuple[Problem, ...] = ()  # errors of the last failed reload, for /healthz
        self._generation = 0  # reloads started; only the newest may install its result

    @classmethod
    async def open(cls, folder: Path) -> KnowledgeStore:
        """Load `folder`; without a valid knowledge base there is nothing to serve."""
        try:
            knowledge = await asyncio.to_thread(Knowledge.build, folder)
        except PolicyValidationError as exc:
            raise KnowledgeUnavailable(exc.problems) from exc
        log.info("knowledge base loaded", extra={"fingerprint": knowledge.kb.fingerprint})
        return cls(folder, knowledge)

    @property
    def current(self) -> Knowledge:
        return self._current

    async def reload(self) -> bool:
        """Load the YAML again; True when a new knowledge base now serves.

        A failing edit is logged with its `file:line` problems and kept in `failed`; the last
        good knowledge base keeps serving. Reloads never queue behind each other: each one is
        numbered, a slower older one never replaces a newer one, and one that takes longer
        than `RELOAD_LIMIT` is given up, so an admin's fix is always read.
        """
        self._generation += 1
        mine = self._generation
        try:
            knowledge = await asyncio.wait_for(
                asyncio.to_thread(Knowledge.build, self.folder), RELOAD_LIMIT
            )
        except TimeoutError:
            problem = Problem(
                str(self.folder),
                1,
                f"reading the knowledge base took over {RELOAD_LIMIT:.0f} s and was given up; "
                "fix the files and save again",
            )
            return self._refused(mine, (problem,))
        except PolicyValidationError as exc:
            return self._refused(mine, tuple(exc.problems))
        if mine != self._generation:
            return False  # a newer reload is under way: it decides what serves
        self.failed = ()
        if knowledge.kb.fingerprint == self._current.kb.fingerprint:
            return False
        self._current = knowledge
        log.info("knowledge base reloaded", extra={"fingerprint": knowledge.kb.fingerprint})
        return True

    def _refused(self, generation: int, problems: tuple[Problem, ...]) -> bool:
        if generation != self._generation:
            return False  # outdated by a newer reload: its problems no longer matter
        self.failed = problems
        for problem in problems:
            level = logging.WARNING if problem.warning else logging.ERROR
            log.log(level, "knowledge base reload failed: %s", problem)
        log.warning(
            "still serving the last good knowledge base",
            extra={"fingerprint": self._current.kb.fingerprint},
        )
        return False

    async def watch(self, stop: asyncio.Event | None = None) -> None:
        """Reload whenever a YAML file under the folder changes, until `stop` is set."""
        async for changes in awatch(self.folder, stop_event=stop, watch_filter=_yaml_only):
            log.info("knowledge base files changed", extra={"files": len(changes)})
            await self.reload()


def _yaml_only(_change: object, path: str) -> bool:
    return path.endswith((".yaml", ".yml"))
