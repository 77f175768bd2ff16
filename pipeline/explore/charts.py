"""The report's charts: matplotlib figures drawn on an Agg canvas and saved as inline SVG (no
scripts, no fonts or images from elsewhere)."""

import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:
    from pipeline.explore.report_data import DayCount, EntityCount, TimelinePoint

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
SVG_START = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _figure(height: float = 3.2) -> Figure:
    figure = Figure(figsize=(8, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def svg(figure: Figure, name: str) -> str:
    """The figure as an inline <svg> element: no XML prolog, no metadata, ids unique by `name`."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg")
    text = SVG_START.sub("", buffer.getvalue(), count=1)
    return SVG_METADATA.sub("", text, count=1).strip()


def per_day_chart(days: Sequence["DayCount"]) -> str:
    """Documents per published day, as stems (undated documents are on no day)."""
    figure = _figure()
    ax = figure.add_subplot()
    x, y = [d.day for d in days], [d.documents for d in days]
    ax.vlines(x, 0, y, colors=COLORS[0], linewidth=2)
    ax.plot(x, y, "o", color=COLORS[0])
    ax.set_ylabel("documents")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.autofmt_xdate()
    return svg(figure, "documents-per-day")


def bar_chart(labels: Sequence[str], values: Sequence[int], xlabel: str, name: str) -> str:
    figure = _figure(height=max(1.6, 0.3 * len(labels) + 0.8))
    ax = figure.add_subplot()
    positions = range(len(labels))
    ax.barh(positions, values, color=COLORS[0])
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return svg(figure, name)


def daily(points: Sequence["TimelinePoint"], first: date, last: date) -> list[int]:
    """Mentions on each day from `first` to `last`, zero where there are none."""
    counts = [0] * ((last - first).days + 1)
    for point in points:
        counts[(point.day - first).days] += point.mentions
    return counts


def timeline_chart(points: Sequence["TimelinePoint"], entities: Sequence["EntityCount"]) -> str:
    """Mentions per day of each entity (dated documents only), zero-filled; markers on days
    with some."""
    figure = _figure(height=3.6)
    ax = figure.add_subplot()
    first = min((p.day for p in points), default=date.today())
    last = max((p.day for p in points), default=first)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for color, entity in zip(COLORS, entities, strict=False):
        mine = [p for p in points if (p.norm, p.label) == (entity.norm, entity.label)]
        counts = daily(mine, first, last)
        ax.plot(
            days, counts, "-", color=color, linewidth=1.2, label=f"{entity.norm} ({entity.label})"
        )
        marked = sorted({p.day for p in mine})
        ax.scatter(marked, [counts[(d - first).days] for d in marked], color=color, zorder=3)
    ax.set_ylabel("mentions per day")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    figure.autofmt_xdate()
    return svg(figure, "entity-timelines")
