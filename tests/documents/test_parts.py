"""The pure parts of the documents: the visual timeline's geometry, draft templates and their text blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from justice_tracker.documents.chart import LEFT, RIGHT, DueMark, build_chart
from justice_tracker.documents.drafts import Block, blocks, template_name
from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind, Placement

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WORDS = {kind: kind.value for kind in CustodyKind}


def _episode(kind: CustodyKind, start: datetime, end: datetime | None) -> CustodyEpisode:
    return CustodyEpisode(kind, start, end, "1", None, (Placement("Station", True, start, end),))


def test_the_chart_spans_the_case_with_bars_ticks_and_markers():
    start = NOW - timedelta(days=10)
    episodes = [
        _episode(CustodyKind.POLICE, start, start + timedelta(days=1)),
        _episode(CustodyKind.PRETRIAL, start + timedelta(days=1), None),
    ]
    dues = [
        DueMark(1, start + timedelta(hours=24), "breached"),
        DueMark(2, NOW + timedelta(days=1), "at_risk"),
        DueMark(3, NOW + timedelta(days=100), "pending"),
    ]
    chart = build_chart(episodes, [start, start + timedelta(days=1)], dues, NOW, "Europe/London", WORDS, ("E", "L"))
    assert chart is not None
    assert [lane.text for lane in chart.lanes] == ["police_custody", "pretrial_detention"]
    assert chart.bars[0].x == LEFT and not chart.bars[0].ongoing
    assert chart.bars[1].ongoing and round(chart.bars[1].x + chart.bars[1].width) == round(chart.now_x)
    assert chart.now_x < RIGHT  # a deadline due tomorrow stretches the axis a little past now
    beyond = {m.number: m.beyond for m in chart.markers}
    assert beyond == {1: False, 2: False, 3: True}
    assert 3 <= len(chart.ticks) <= 9 and all(LEFT <= t.at <= RIGHT for t in chart.ticks)


def test_no_chart_without_events():
    assert build_chart([], [], [], NOW, "UTC", WORDS, ("E", "L")) is None


def test_draft_templates_by_jurisdiction_with_a_default():
    assert template_name("BR") == "applications/br.md"
    assert template_name("GB-EAW") == "applications/gb-eaw.md"
    assert template_name("ZA") == "applications/default.md"


def test_a_draft_becomes_text_blocks_never_markup():
    text = "# Title <b>\n\nTo: court\nCase: 1\n\n## Facts\n- one\n  continued\n- two <i>\nafter\n"
    assert blocks(text) == [
        Block("heading", ["Title <b>"]),
        Block("paragraph", ["To: court", "Case: 1"]),
        Block("subheading", ["Facts"]),
        Block("list", ["one continued", "two <i>"]),
        Block("paragraph", ["after"]),
    ]
