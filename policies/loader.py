"""Load and validate the whole knowledge base; collect every problem with its file and line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from policies.directory import check_requests, check_stations
from policies.entries import EntryLines, check_entry, question_key
from policies.errors import PolicyValidationError, Problem, display_path
from policies.guides import Guide, GuidesFile, check_guides
from policies.schema import (
    Entry,
    KBFile,
    Level,
    RequestsFile,
    RequestType,
    Station,
    StationsFile,
    Text,
    Topic,
    TopicsFile,
)
from policies.yamlsource import Source, read

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot knows, validated. Immutable: a reload builds a new one."""

    entries: tuple[Entry, ...]
    stations: tuple[Station, ...]
    request_types: tuple[RequestType, ...]
    categories: dict[str, Text]
    topics: tuple[Topic, ...]
    fingerprint: str
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    warnings: tuple[Problem, ...] = ()
    guides: tuple[Guide, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_entries", {e.id: e for e in self.entries})
        object.__setattr__(self, "_guides", {g.id: g for g in self.guides})
        object.__setattr__(self, "_stations", {s.id: s for s in self.stations})
        object.__setattr__(self, "_requests", {r.id: r for r in self.request_types})

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)  # type: ignore[attr-defined]

    def guide(self, guide_id: str) -> Guide | None:
        return self._guides.get(guide_id)  # type: ignore[attr-defined]

    def station(self, station_id: str) -> Station | None:
        return self._stations.get(station_id)  # type: ignore[attr-defined]

    def request_type(self, type_id: str) -> RequestType | None:
        return self._requests.get(type_id)  # type: ignore[attr-defined]

    def county_station(self) -> Station:
        return next(s for s in self.stations if s.level == "county")

    def children(self, station_id: str) -> list[Station]:
        return [s for s in self.stations if s.parent == station_id]

    def chain(self, station_id: str | None) -> list[Station]:
        """`station_id` and the stations above it, up to the county centre (own station first).

        An unknown or missing id gives just the county centre.
        """
        chain: list[Station] = []
        station = self.station(station_id) if station_id else None
        while station is not None and station not in chain:
            chain.append(station)
            station = self.station(station.parent) if station.parent else None
        county = self.county_station()
        return chain if county in chain else [*chain, county]

    def serving(self, station_id: str | None) -> Station:
        """The nearest station on record at or above `station_id`: a township whose station is
        not in the directory yet is served by the one above it (the county centre)."""
        return self._served_by(station_id)[0]

    def station_at(self, station_id: str | None, level: Level) -> Station:
        """The station at `level` that serves someone registered at `station_id`.

        Walks up the hierarchy, past stations not on record; when the person's own station is
        already above `level` (a town set, a village-level matter), their own station is the
        nearest one that can handle it.
        """
        chain = self._served_by(station_id)
        return next((s for s in chain if s.level == level), chain[0])

    def _served_by(self, station_id: str | None) -> list[Station]:
        """`chain` without the stations not on record; the county centre always serves."""
        return [s for s in self.chain(station_id) if s.on_record or s.level == "county"]


def _validate(model: type[Model], source: Source, problems: list[Problem]) -> Model | None:
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(p) for p in loc) or "file"
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field (check the spelling; see policies/KB-FORMAT.md)"
            problems.append(Problem(source.path, source.line_of(loc), f"{where}: {message}"))
        return None


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.digest = hashlib.sha256()

    def file(self, path: Path, model: type[Model]) -> tuple[Model | None, Source | None]:
        shown = display_path(path, self.root)
        if not path.exists():
            self.problems.append(Problem(shown, 1, "file is missing"))
            return None, None
        self.digest.update(path.read_bytes())
        source, problems = read(path, shown)
        self.problems.extend(problems)
        if source is None:
            return None, None
        if source.data is None:
            self.problems.append(Problem(shown, 1, "file is empty"))
            return None, source
        return _validate(model, source, self.problems), source

    def add(self, path: str, line: int, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(path, line, message, warning))


def load(root: Path, today: date | None = None) -> KnowledgeBase:
    """Load `root` (kb/*.yaml, stations.yaml, requests.yaml, topics.yaml, guides.yaml when
    present) or raise with every error."""
    loader = _Loader(root)
    topics, _ = loader.file(root / "topics.yaml", TopicsFile)
    stations, request_types = _directory(loader, root)
    kb_files = sorted((root / "kb").glob("*.yaml"))
    if not kb_files:
        loader.add(display_path(root / "kb", root), 1, "no knowledge-base files (kb/*.yaml)")
    # Read before the entries, whose actions may offer a guide; checked after them.
    guides_file, guides_src = (None, None)
    if (root / "guides.yaml").exists():
        guides_file, guides_src = loader.file(root / "guides.yaml", GuidesFile)
    guides = guides_file.guides if guides_file else []
    entries = _Entries(loader, {r.id for r in request_types}, today or date.today())
    entries.guide_ids = {g.id for g in guides}
    for path in kb_files:
        entries.read(path)
    if topics:
        _check_topics(loader, topics, entries, root)
    if guides_src is not None:
        by_id = {r.id: r for r in request_types}
        check_guides(loader, guides, guides_src, set(entries.places), by_id)
    errors = [p for p in loader.problems if not p.warning]
    if errors:
        raise PolicyValidationError(loader.problems)
    assert topics is not None
    return KnowledgeBase(
        entries=tuple(entries.entries),
        stations=tuple(stations),
        request_types=tuple(request_types),
        categories=dict(topics.categories),
        topics=tuple(topics.topics),
        fingerprint=loader.digest.hexdigest()[:16],
        warnings=tuple(sorted(loader.problems)),
        guides=tuple(guides),
    )


def _directory(loader: _Loader, root: Path) -> tuple[list[Station], list[RequestType]]:
    """The stations and the request types, each file checked."""
    stations_file, stations_src = loader.file(root / "stations.yaml", StationsFile)
    requests_file, requests_src = loader.file(root / "requests.yaml", RequestsFile)
    stations = stations_file.stations if stations_file else []
    request_types = requests_file.request_types if requests_file else []
    if stations_file and stations_src:
        check_stations(loader, stations, stations_src)
    if requests_file and requests_src:
        check_requests(loader, request_types, requests_src)
    return stations, request_types


class _Entries:
    """The entries of the knowledge-base files, read one file after another: each checked, ids
    unique across files, each question claimed by one entry only."""

    def __init__(self, loader: _Loader, request_ids: set[str], today: date) -> None:
        self.loader = loader
        self.request_ids = request_ids
        self.today = today
        self.entries: list[Entry] = []
        self.places: dict[str, tuple[str, int]] = {}  # entry id: where it is
        self._claimed: dict[str, tuple[str, str, int]] = {}  # question key: entry id, where
        # Categories whose file could not be read: their topics' "no entry" would only repeat
        # the one real error, and bury it.
        self.unread: set[str] = set()
        self.guide_ids: set[str] = set()  # what `guide:<id>` actions may name

    def read(self, path: Path) -> None:
        kb_file, source = self.loader.file(path, KBFile)
        if kb_file is None or source is None:
            self.unread.add(path.stem)
            return
        for index, entry in enumerate(kb_file.entries):
            line = source.line_of(("entries", index))
            if entry.id in self.places:
                other, other_line = self.places[entry.id]
                self.loader.add(
                    source.path, line, f"duplicate id '{entry.id}' (also {other}:{other_line})"
                )
                continue
            self.places[entry.id] = (source.path, line)
            self.entries.append(entry)
            at = EntryLines(source, index)
            check_entry(
                self.loader,
                entry,
                kb_file.category,
                at,
                self.request_ids,
                self.today,
                self.guide_ids,
            )
            self._claim(entry, at)

    def _claim(self, entry: Entry, at: EntryLines) -> None:
        for q_index, question in enumerate(entry.questions):
            q_line = at("questions", q_index)
            key = question_key(question)
            if key in self._claimed and self._claimed[key][0] != entry.id:
                owner, owner_path, owner_line = self._claimed[key]
                self.loader.add(
                    at.path,
                    q_line,
                    f"question '{question}' is claimed by '{entry.id}' and by '{owner}' "
                    f"({owner_path}:{owner_line}); keep it in one entry",
                )
            self._claimed.setdefault(key, (entry.id, at.path, q_line))


def _check_topics(loader: _Loader, topics: TopicsFile, entries: _Entries, root: Path) -> None:
    shown = display_path(root / "kb", root)
    places = entries.places
    for topic in topics.topics:
        if topic.id not in places and topic.id.split(".", 1)[0] not in entries.unread:
            loader.add(shown, 1, f"topic '{topic.id}' ({topic.zh}) from topics.yaml has no entry")
    for entry_id, (path, line) in places.items():
        if entry_id.split(".", 1)[0] not in topics.categories:
            loader.add(path, line, f"entry '{entry_id}' is in a category topics.yaml does not list")


def problems_of(root: Path) -> list[Problem]:
    """Every problem (errors and warnings) in `root`, for `vetbot policies check`."""
    try:
        return list(load(root).warnings)
    except PolicyValidationError as exc:
        return exc.problems
