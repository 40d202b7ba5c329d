"""The case summary's visual timeline: custody bars along a time axis, events as ticks, deadlines as markers.

Only geometry and words are computed here; `reports/_chart.html` draws them as an
inline SVG (autoescaped like every print template). Colours are presentation
attributes, not CSS, so that WeasyPrint's SVG renderer draws them as shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind

WIDTH = 680
LEFT = 128
RIGHT = WIDTH - 12
LANE = 18
GAP = 8
TOP = 6
STEPS = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=2),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=30),
    timedelta(days=61),
    timedelta(days=91),
    timedelta(days=182),
    timedelta(days=365),
)
MAX_TICKS = 7
KIND_COLOURS = {
    CustodyKind.POLICE: "#b45309",
    CustodyKind.PRETRIAL: "#b91c1c",
    CustodyKind.SENTENCED: "#6d28d9",
}
STATUS_COLOURS = {
    "breached": "#b91c1c",
    "advisory_unmet": "#c2410c",
    "at_risk": "#d97706",
    "pending": "#1d4e89",
    "met_late": "#7c3aed",
    "met": "#15803d",
}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    colour: str
    ongoing: bool


@dataclass(frozen=True)
class Label:
    """A lane's name at its top `at` (y), or an axis date at its `at` (x)."""

    at: float
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    number: int
    colour: str
    beyond: bool  # due after the end of the axis: drawn at its right edge
    label_y: float = 0.0  # numbers of markers close together alternate above and below

    @property
    def points(self) -> str:
        x, y, r = self.x, self.y, 5
        return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"


@dataclass(frozen=True)
class DueMark:
    """A numbered deadline, as the chart needs it."""

    number: int
    due: datetime
    status: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    lanes: list[Label]
    bars: list[Bar]
    event_xs: list[float]
    event_lane: Label
    limit_lane: Label
    markers: list[Marker]
    ticks: list[Label]
    axis_y: float
    now_x: float


class _Scale:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.end = start, end
        self.span = max((end - start).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        fraction = (moment - self.start).total_seconds() / self.span
        return LEFT + max(0.0, min(1.0, fraction)) * (RIGHT - LEFT)


def _ticks(scale: _Scale, zone: ZoneInfo) -> list[Label]:
    span = scale.end - scale.start
    step = next((s for s in STEPS if span / s <= MAX_TICKS), STEPS[-1] * max(1, int(span / STEPS[-1] / MAX_TICKS) + 1))
    local = scale.start.astimezone(zone)
    if step >= timedelta(days=1):
        local = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        fmt = "%Y-%m-%d" if step >= timedelta(days=30) else "%d %b"
    else:
        local = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        fmt = "%d %b %H:%M"
    ticks = []
    moment = local
    while moment <= scale.end and len(ticks) < MAX_TICKS + 2:
        ticks.append(Label(scale.x(moment), moment.strftime(fmt)))
        moment = (moment + step).astimezone(zone)
    return ticks


def build_chart(
    episodes: Sequence[CustodyEpisode],
    event_times: Sequence[datetime],
    dues: Sequence[DueMark],
    moment: datetime,
    tz_name: str,
    kind_words: dict[CustodyKind, str],
    lane_words: tuple[str, str],
) -> Chart | None:
    """The chart from the first event to `moment` (or a little beyond, for deadlines due soon); None when empty."""
    times = [t for t in event_times if t <= moment] + [e.start for e in episodes]
    if not times:
        return None
    start = min(times)
    span = max(moment - start, timedelta(hours=6))
    horizon = moment + span / 4
    later = [d.due for d in dues if moment < d.due <= horizon]
    scale = _Scale(start, max([moment, *later]))
    kinds = [
        k
        for k in (CustodyKind.POLICE, CustodyKind.PRETRIAL, CustodyKind.SENTENCED)
        if any(e.kind is k for e in episodes)
    ]
    lanes: list[Label] = []
    y = float(TOP)
    lane_of: dict[CustodyKind, float] = {}
    for kind in kinds:
        lanes.append(Label(y, kind_words[kind]))
        lane_of[kind] = y
        y += LANE + GAP
    bars = []
    for episode in episodes:
        if episode.start > moment:
            continue
        end = moment if episode.end is None or episode.end > moment else episode.end
        x0, x1 = scale.x(episode.start), scale.x(end)
        bars.append(Bar(x0, lane_of[episode.kind], max(x1 - x0, 2.0), KIND_COLOURS[episode.kind], end == moment))
    event_lane = Label(y, lane_words[0])
    y += LANE + GAP
    limit_lane = Label(y, lane_words[1])
    y += LANE + GAP
    markers: list[Marker] = []
    below = False
    for d in sorted((d for d in dues if d.due >= start), key=lambda d: d.due):
        x = scale.x(d.due)
        below = not below if markers and x - markers[-1].x < 12 else False
        centre = limit_lane.at + LANE / 2
        colour = STATUS_COLOURS.get(d.status, "#4a5360")
        markers.append(Marker(x, centre, d.number, colour, d.due > scale.end, centre + 14 if below else centre - 7))
    return Chart(
        width=WIDTH,
        height=int(y + 22),
        left=LEFT,
        right=RIGHT,
        lanes=lanes,
        bars=bars,
        event_xs=[scale.x(t) for t in event_times if start <= t <= moment],
        event_lane=event_lane,
        limit_lane=limit_lane,
        markers=markers,
        ticks=_ticks(scale, ZoneInfo(tz_name)),
        axis_y=y,
        now_x=scale.x(moment),
    )
