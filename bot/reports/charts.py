"""The report's charts, drawn on the server as SVG by pygal: daily questions, containment over
time, tickets per station. Nothing is fetched from elsewhere (no pygal.js from its CDN), so
they show offline and in a phone's browser; the console shows each as an image with its table
beneath. Text stays text in the SVG, drawn in whichever Chinese font the reader's device has."""

from __future__ import annotations

import base64
import re
from typing import Final

import pygal
from pygal.style import Style

from bot.reports.rows import Report
from bot.reports.tables import Names, percent

FONTS: Final = (
    '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",'
    '"WenQuanYi Micro Hei",sans-serif'
)
STYLE: Final = Style(
    font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    value_font_family=FONTS,
    title_font_family=FONTS,
    legend_font_family=FONTS,
    tooltip_font_family=FONTS,
    background="white",
    plot_background="white",
    colors=("#1f6feb", "#2da44e", "#bf8700", "#cf222e"),
    title_font_size=17,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
)
WIDTH, HEIGHT = 480, 320  # drawn for a phone's width; scales up on a desk's screen
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
CHARTS: Final = ("daily", "containment", "tickets")


def _config() -> dict[str, object]:
    return {
        "style": STYLE,
        "js": [],  # no pygal.js from kozea.github.io: the console works offline
        "disable_xml_declaration": True,
        "width": WIDTH,
        "height": HEIGHT,
        "print_values": False,
        "show_minor_x_labels": False,
        "truncate_label": -1,
    }


def _day_labels(report: Report) -> tuple[list[str], list[str]]:
    labels = [f"{d.day.month}-{d.day.day}" for d in report.daily]
    # A label every few days keeps a month (or a year) readable on a phone.
    step = max(1, len(labels) // 10)
    return labels, labels[::step]


def _svg(chart: pygal.graph.graph.Graph) -> str:
    # Pygal adds a small inline script (its tooltips' settings) even without pygal.js: an SVG
    # shown as an image never runs it, and the file is cleaner without.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def daily_questions(report: Report, names: Names) -> str:
    chart = pygal.StackedBar(
        **_config(), title=names.text("staff.reports.chart.daily"), legend_at_bottom=True
    )
    labels, major = _day_labels(report)
    chart.x_labels, chart.x_labels_major = labels, major
    for kind in ("answered", "clarified", "declined", "not_understood", "handed_off"):
        chart.add(
            names.text(f"staff.reports.figure.{kind}"),
            [d.questions.kinds[kind] for d in report.daily],
        )
    return _svg(chart)


def containment(report: Report, names: Names) -> str:
    chart = pygal.Line(
        **_config(),
        title=names.text("staff.reports.chart.containment"),
        show_legend=False,
        range=(0, 100),
        allow_interruptions=True,
    )
    labels, major = _day_labels(report)
    chart.x_labels, chart.x_labels_major = labels, major
    chart.add(
        names.text("staff.reports.figure.containment"),
        [percent(d.questions.containment) for d in report.daily],
    )
    return _svg(chart)


def tickets_per_station(report: Report, names: Names) -> str:
    chart = pygal.HorizontalBar(
        **_config(), title=names.text("staff.reports.chart.tickets"), legend_at_bottom=True
    )
    chart.x_labels = [names.station(t.station_id) for t in report.tickets]
    chart.add(names.text("staff.reports.col.opened"), [t.opened for t in report.tickets])
    chart.add(names.text("staff.reports.col.resolved"), [t.resolved for t in report.tickets])
    return _svg(chart)


def charts(report: Report, names: Names) -> dict[str, str]:
    """Every chart of `report` as SVG text, by name (`CHARTS`)."""
    return {
        "daily": daily_questions(report, names),
        "containment": containment(report, names),
        "tickets": tickets_per_station(report, names),
    }


def data_uri(svg: str) -> str:
    """An SVG as an image address the console's CSP allows (img-src 'self' data:)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
