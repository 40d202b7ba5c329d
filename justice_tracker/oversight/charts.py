"""Bar charts as SVG, drawn on the server from published (protected) cells, for the pages and the PDF.

No script and no style attribute: colours are SVG presentation attributes (`fill`), which the
Content-Security-Policy allows and WeasyPrint draws. Every text is escaped. A hidden value
draws no bar: a short grey stub at the baseline carries its display text ("<5" or "x"), so a
chart never shows what its table hides. Pure Python apart from `markupsafe`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from justice_tracker.oversight.tables import PublishedCell, PublishedTable

WIDTH = 680
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 46
COLOURS = ("#1d4e89", "#b45309", "#b91c1c", "#15803d")
HIDDEN_FILL = "#c9d1da"
INK, MUTED, GRID = "#1b1f24", "#4a5360", "#e3e8ee"


@dataclass(frozen=True)
class Series:
    name: str
    cells: Sequence[PublishedCell]


def _nice_top(value: float) -> float:
    if value <= 5:
        return 5.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(value)


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], *, height: int = 220) -> Markup:
    """Grouped bars, one group per category, one bar per series."""
    values = [c.value for s in series for c in s.cells if isinstance(c.value, int | float)]
    top = _nice_top(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 28), 2)
    base_y = TOP + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="JT Sans, DejaVu Sans, sans-serif" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        value = top * i / 4
        y = base_y - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" fill="{MUTED}">{_number(value)}</text>')
    every = max(1, math.ceil(len(categories) / 12))  # at most 12 category labels
    for index, category in enumerate(categories):
        x0 = LEFT + group_w * index + (group_w - bar_w * len(series)) / 2
        for offset, serie in enumerate(series):
            cell = serie.cells[index] if index < len(serie.cells) else None
            x = x0 + bar_w * offset
            parts.append(
                _bar(cell, x, bar_w, base_y, plot_h, top, COLOURS[offset % len(COLOURS)], serie.name, category)
            )
        if index % every == 0:
            cx = LEFT + group_w * (index + 0.5)
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y + 14}" text-anchor="middle" fill="{INK}">{escape(category)}</text>'
            )
    parts.append(f'<line x1="{LEFT}" y1="{base_y}" x2="{WIDTH - RIGHT}" y2="{base_y}" stroke="{INK}"/>')
    legend_x = LEFT
    for offset, serie in enumerate(series):
        colour = COLOURS[offset % len(COLOURS)]
        parts.append(f'<rect x="{legend_x}" y="{height - 16}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{height - 7}" fill="{INK}">{escape(serie.name)}</text>')
        legend_x += 24 + 7 * len(serie.name)
    parts.append(
        f'<rect x="{legend_x}" y="{height - 16}" width="10" height="10" fill="{HIDDEN_FILL}"/>'
        f'<text x="{legend_x + 14}" y="{height - 7}" fill="{INK}">hidden (small count or complement)</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _bar(
    cell: PublishedCell | None,
    x: float,
    width: float,
    base_y: float,
    plot_h: float,
    top: float,
    colour: str,
    *names: str,
) -> str:
    label = escape(" · ".join(names))
    if cell is None or (cell.value is None and cell.mark is None):
        return ""
    if cell.mark is not None:
        return (
            f'<rect x="{x:.1f}" y="{base_y - 3:.1f}" width="{width:.1f}" height="3" fill="{HIDDEN_FILL}">'
            f"<title>{label}: {escape(cell.text)}</title></rect>"
            f'<text x="{x + width / 2:.1f}" y="{base_y - 6:.1f}" text-anchor="middle" font-size="8" '
            f'fill="{MUTED}">{escape(cell.text)}</text>'
        )
    h = plot_h * float(cell.value) / top if top else 0
    return (
        f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{colour}">'
        f"<title>{label}: {escape(cell.text)}</title></rect>"
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def column(table: PublishedTable, key: str) -> list[PublishedCell]:
    return [row.cells[key] for row in table.rows]


def dashboard_charts(tables: dict[str, PublishedTable]) -> dict[str, Markup]:
    """The dashboard's three charts: the length histogram, flows by month, and the population by month."""
    histogram = tables["pretrial_histogram"]
    trends = tables["trends"]
    months = [row.label for row in trends.rows]
    return {
        "histogram": bar_chart(
            histogram.title, [row.label for row in histogram.rows], [Series("Episodes", column(histogram, "ended"))]
        ),
        "flows": bar_chart(
            "Apprehensions, pre-trial detentions and breaches by month",
            months,
            [
                Series("Apprehensions", column(trends, "apprehensions")),
                Series("Pre-trial detentions", column(trends, "remands")),
                Series("Breaches", column(trends, "breaches")),
            ],
        ),
        "held": bar_chart(
            "Children held at the end of each month", months, [Series("Held at month end", column(trends, "held_end"))]
        ),
    }
