"""Ranking, explained: each factor moves a programme as the documented points say, and the excluded stay listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from justice_tracker.programmes.eligibility import ProgrammeFacts, Verdict
from justice_tracker.programmes.suggestions import (
    MIN_FINISHED,
    POINTS_AREA,
    POINTS_LANGUAGE,
    POINTS_PLACE_FREE,
    completion_rate,
    stage_of,
    suggest,
)
from justice_tracker.programmes.vocabulary import AFTERCARE, PRE_CHARGE, PRE_TRIAL, SENTENCING
from justice_tracker.timeline.facts import TimelineEvent
from tests.programmes.facts import CHILD, PROGRAMME

BASE = PROGRAMME


def _p(n: int, name: str, **kw) -> ProgrammeFacts:
    return replace(BASE, id=n, code=f"P{n}", name=name, **kw)


def _order(*programmes: ProgrammeFacts) -> list[str]:
    return [s.programme.name for s in suggest(programmes, CHILD)]


def test_least_restrictive_first_and_the_points_say_why():
    placement = _p(1, "Foster placement", type="foster_shelter_placement")
    mentoring = _p(2, "Mentoring", type="mentoring")
    reporting = _p(3, "Reporting centre", type="reporting_centre")
    found = suggest([placement, reporting, mentoring], CHILD)
    assert [s.programme.name for s in found] == ["Mentoring", "Reporting centre", "Foster placement"]
    assert [s.rank for s in found] == [1, 2, 3]
    first = found[0].parts[0]
    assert (first.points, first.text) == (50, "restrictiveness 1 of 5 (mentoring)")
    assert found[2].parts[0].points == 10
    assert found[0].score - found[2].score == 40


@pytest.mark.parametrize(
    ("change", "points", "words"),
    [
        ({"enrolled": 10, "waiting_list": 2}, POINTS_PLACE_FREE, "a place is free now"),
        ({"areas": ("Southbridge",)}, POINTS_AREA, "serves the child's area"),
        ({"languages": ("pl",)}, POINTS_LANGUAGE, "works in the child's language"),
    ],
    ids=["availability", "area", "language"],
)
def test_each_soft_factor_is_worth_its_points(change, points, words):
    good, worse = _p(1, "Zed good"), _p(2, "Aardvark worse", **change)
    found = suggest([worse, good], CHILD)
    assert [s.programme.name for s in found] == ["Zed good", "Aardvark worse"]  # not alphabetical: by score
    assert found[0].score - found[1].score == points
    assert words in [p.text for p in found[0].parts]
    assert words not in [p.text for p in found[1].parts]
    assert found[1].eligible, "a soft factor lowers the rank, it never rules a programme out"


def test_completion_counts_only_from_enough_finished_referrals():
    proven = _p(1, "Proven", completions=3, failures=1)
    new = _p(2, "Brand new")
    too_few = _p(3, "Few", completions=MIN_FINISHED - 1, failures=0)
    found = {s.programme.name: s for s in suggest([new, proven, too_few], CHILD)}
    assert completion_rate(proven) == 0.75
    assert found["Proven"].parts[-1].points == 15
    assert found["Proven"].parts[-1].text == "75% of 4 finished referrals completed"
    assert found["Few"].parts[-1].points == 0 and "fewer than 3" in found["Few"].parts[-1].text
    assert _order(new, proven, too_few) == ["Proven", "Brand new", "Few"]


def test_excluded_programmes_come_last_and_keep_their_reasons():
    fits = _p(1, "Placement that fits", type="foster_shelter_placement")
    too_old = _p(2, "Mentoring for younger children", max_age=13)
    found = suggest([too_old, fits], CHILD)
    assert [(s.programme.name, s.eligible) for s in found] == [
        ("Placement that fits", True),
        ("Mentoring for younger children", False),
    ]
    assert found[1].score > found[0].score, "a higher score does not lift an excluded programme above one that fits"
    assert [r.text for r in found[1].reasons_with(Verdict.EXCLUDES)] == ["takes ages 12 to 13; the child is 15"]


def test_ties_go_by_name():
    assert _order(_p(1, "Beta"), _p(2, "Alpha")) == ["Alpha", "Beta"]


def _ev(key: str, kind: str, **details) -> TimelineEvent:
    return TimelineEvent(key, kind, datetime(2026, 1, int(key), tzinfo=UTC), details)


@pytest.mark.parametrize(
    ("events", "stage"),
    [
        ([], PRE_CHARGE),
        ([_ev("1", "apprehended"), _ev("2", "brought_before_authority")], PRE_CHARGE),
        ([_ev("1", "apprehended"), _ev("2", "charged")], PRE_TRIAL),
        ([_ev("1", "pretrial_detention_ordered")], PRE_TRIAL),
        ([_ev("1", "charged"), _ev("2", "adjudicated", finding="not_responsible")], PRE_TRIAL),
        ([_ev("1", "charged"), _ev("2", "adjudicated", finding="responsible")], SENTENCING),
        ([_ev("1", "adjudicated", finding="responsible"), _ev("2", "sentenced", custodial=False)], AFTERCARE),
    ],
)
def test_stage_of_a_case(events, stage):
    assert stage_of(events) == stage
