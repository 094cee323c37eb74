"""Prometheus metrics of the engine: messages handled, what came of them, and how long."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """One registry per app, so tests (and several apps in one process) never collide."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.messages = Counter(
            "vetbot_messages",
            "Inbound messages handled, by channel.",
            ["channel"],
            registry=self.registry,
        )
        self.outcomes = Counter(
            "vetbot_outcomes",
            "What came of each message: answer, clarify, intent, fallback, menu, option, flow, "
            "duplicate, invalid, unavailable.",
            ["outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "vetbot_handle_seconds",
            "Time to handle one message, from arrival to committed replies.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.kb_reload_failed = Gauge(
            "vetbot_kb_reload_failed",
            "1 while the last knowledge-base reload failed and the previous one still serves.",
            registry=self.registry,
        )
