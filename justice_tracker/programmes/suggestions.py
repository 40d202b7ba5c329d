"""Ranked suggestions of programmes for one case, each with its reasons and how its score was made.

The order is explained, never a black box:

1. programmes that can take the case come first, those ruled out after them (still
   shown, with the reasons, so that a lawyer can argue them);
2. within each group, the higher score first, then the name. The score is the sum of
   the points listed with each suggestion:
   - least restrictive: 10 points per step below the most restrictive type (a
     conference or mentoring 50, a foster or shelter placement 10);
   - a place free now: 25;
   - serves the child's area (or the whole jurisdiction): 20;
   - works in a language of the child: 15;
   - completion: up to 20, the share of finished referrals that completed, once at
     least `MIN_FINISHED` referrals have finished (fewer say too little).

Pure Python: no Flask, SQLAlchemy or I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from justice_tracker.programmes.eligibility import ChildCase, ProgrammeFacts, Reason, Verdict, assess, is_eligible
from justice_tracker.programmes.vocabulary import (
    AFTERCARE,
    MOST_RESTRICTIVE,
    PRE_CHARGE,
    PRE_TRIAL,
    SENTENCING,
    restrictiveness,
    type_label,
)
from justice_tracker.timeline.facts import TimelineEvent

POINTS_PER_RESTRICTIVENESS_STEP = 10
POINTS_PLACE_FREE = 25
POINTS_AREA = 20
POINTS_LANGUAGE = 15
POINTS_COMPLETION = 20
MIN_FINISHED = 3

ORDER_EXPLANATION = (
    "Programmes that can take the case come first, then those ruled out. Within each group the higher score "
    "comes first: least restrictive (10 points per step below the most restrictive type), a place free now (25), "
    f"the child's area (20), the child's language (15), completion rate (up to 20, from {MIN_FINISHED} finished "
    "referrals). Ties go by name."
)

_PRE_TRIAL_EVENTS = frozenset(
    {"charged", "pretrial_detention_ordered", "hearing_scheduled", "hearing_held", "hearing_adjourned"}
)


@dataclass(frozen=True)
class ScorePart:
    points: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    programme: ProgrammeFacts
    eligible: bool
    reasons: tuple[Reason, ...]
    parts: tuple[ScorePart, ...]
    rank: int

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)

    def reasons_with(self, *verdicts: Verdict) -> list[Reason]:
        return [r for r in self.reasons if r.verdict in verdicts]


def completion_rate(programme: ProgrammeFacts) -> float | None:
    finished = programme.completions + programme.failures
    return programme.completions / finished if finished >= MIN_FINISHED else None


def score_parts(programme: ProgrammeFacts, reasons: Sequence[Reason]) -> list[ScorePart]:
    level = restrictiveness(programme.type)
    steps = MOST_RESTRICTIVE + 1 - level
    parts = [
        ScorePart(
            steps * POINTS_PER_RESTRICTIVENESS_STEP,
            f"restrictiveness {level} of {MOST_RESTRICTIVE} ({type_label(programme.type).lower()})",
        )
    ]
    fits = {r.topic for r in reasons if r.verdict is Verdict.FITS}
    if "capacity" in fits:
        parts.append(ScorePart(POINTS_PLACE_FREE, "a place is free now"))
    if "area" in fits:
        parts.append(ScorePart(POINTS_AREA, "serves the child's area"))
    if "language" in fits:
        parts.append(ScorePart(POINTS_LANGUAGE, "works in the child's language"))
    rate = completion_rate(programme)
    finished = programme.completions + programme.failures
    if rate is not None:
        parts.append(
            ScorePart(round(rate * POINTS_COMPLETION), f"{rate:.0%} of {finished} finished referrals completed")
        )
    else:
        parts.append(ScorePart(0, f"completion not scored: {finished} finished referrals (fewer than {MIN_FINISHED})"))
    return parts


def suggest(programmes: Iterable[ProgrammeFacts], child: ChildCase) -> list[Suggestion]:
    """Every programme assessed for `child`, in the explained order, ranked from 1."""
    assessed = []
    for programme in programmes:
        reasons = assess(programme, child)
        parts = score_parts(programme, reasons)
        assessed.append((programme, is_eligible(reasons), tuple(reasons), tuple(parts)))
    assessed.sort(key=lambda item: (not item[1], -sum(p.points for p in item[3]), item[0].name, item[0].id))
    return [
        Suggestion(programme, eligible, reasons, parts, rank)
        for rank, (programme, eligible, reasons, parts) in enumerate(assessed, start=1)
    ]


def stage_of(events: Iterable[TimelineEvent]) -> str:
    """Where the case stands, for matching programme stages: from its effective events."""
    types: set[str] = set()
    responsible = False
    for event in events:
        types.add(event.type)
        if event.type == "adjudicated" and event.details.get("finding") == "responsible":
            responsible = True
    if types & {"sentenced", "aftercare_started"}:
        return AFTERCARE
    if responsible:
        return SENTENCING
    if types & _PRE_TRIAL_EVENTS:
        return PRE_TRIAL
    return PRE_CHARGE
