"""What the documents say about programmes: the case's referrals and the ranked suggestions, as plain data.

Snapshots (strings, numbers, instants) taken once while a document is built, so that the
templates never reach back into the database. Referrals are read as they stood at the
document's moment: steps recorded for later instants are left out, and a referral whose
first step is later is not shown. Suggestions and availability are the registry as it
stands when the document is made (the registry keeps no history of its capacity); the
stage they are assessed at is the case's stage at the document's moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from justice_tracker.cases.forms import humanize
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.programmes import services as programme_services
from justice_tracker.programmes.eligibility import Verdict
from justice_tracker.programmes.models import Programme, Referral
from justice_tracker.programmes.referrals import State
from justice_tracker.programmes.suggestions import Suggestion
from justice_tracker.programmes.vocabulary import FAILURE_REASONS, type_label


def one_line(text: str | None) -> str:
    """Free text as a single line: a name with a line break must not start a heading or a list in a draft."""
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Availability:
    places: int
    enrolled: int
    waiting_list: int
    wait_days: int | None

    @property
    def free(self) -> int:
        return max(0, self.places - self.enrolled)

    @property
    def words(self) -> str:
        if self.free > 0:
            return f"{self.free} of {self.places} places free"
        wait = f", about {self.wait_days} days' wait" if self.wait_days else ""
        taken = f"at capacity ({self.enrolled} of {self.places} places taken)"
        return f"{taken}, {self.waiting_list} on the waiting list{wait}"


@dataclass(frozen=True)
class Offer:
    """What a programme is, for the child's summary: its kind and what taking part asks, never its reasons."""

    name: str
    provider: str
    type: str
    cost: str
    requires_child_consent: bool
    requires_parent_consent: bool
    requires_acknowledgement: bool
    availability: Availability


@dataclass(frozen=True)
class Step:
    state: str
    at: datetime
    reason: str | None

    @property
    def label(self) -> str:
        return humanize(self.state)


@dataclass(frozen=True)
class ReferralRecord:
    programme: Offer
    state: str
    steps: tuple[Step, ...]
    failure_reason: str | None

    @property
    def label(self) -> str:
        return humanize(self.state)

    @property
    def offered(self) -> bool:
        """The child was offered a place (whatever came of it), not only suggested among professionals."""
        return any(step.state != State.SUGGESTED for step in self.steps)


@dataclass(frozen=True)
class ProgrammeOption:
    """One ranked suggestion: the reasons, in words, for and against the programme for this case."""

    rank: int
    eligible: bool
    score: int
    name: str
    provider: str
    type_label: str
    description: str
    fits: tuple[str, ...]
    against: tuple[str, ...]
    check: tuple[str, ...]
    ruled_out_by: tuple[str, ...]
    availability: Availability


def _availability(places: int, enrolled: int, waiting_list: int, wait_days: int | None) -> Availability:
    return Availability(places or 0, enrolled or 0, waiting_list or 0, wait_days)


def _offer(programme: Programme) -> Offer:
    return Offer(
        name=one_line(programme.name),
        provider=one_line(programme.provider),
        type=programme.type,
        cost=programme.cost or "free",
        requires_child_consent=bool(programme.requires_child_consent),
        requires_parent_consent=bool(programme.requires_parent_consent),
        requires_acknowledgement=bool(programme.requires_acknowledgement),
        availability=_availability(programme.places, programme.enrolled, programme.waiting_list, programme.wait_days),
    )


def _referral(referral: Referral, moment: datetime) -> ReferralRecord | None:
    steps = tuple(Step(s.state, s.at, s.reason) for s in referral.steps if s.at <= moment)
    if not steps:
        return None
    state = steps[-1].state
    failure = FAILURE_REASONS.get(referral.failure_reason or "", referral.failure_reason)
    return ReferralRecord(
        _offer(referral.programme), state, steps, failure if any(s.state == State.FAILED for s in steps) else None
    )


def referrals_at(case: Case, moment: datetime) -> list[ReferralRecord]:
    """The case's referrals as they stood at `moment`, oldest first."""
    found = (_referral(r, moment) for r in programme_services.case_referrals(case))
    return sorted((r for r in found if r is not None), key=lambda r: r.steps[0].at)


def _option(suggestion: Suggestion, descriptions: dict[int, str]) -> ProgrammeOption:
    p = suggestion.programme

    def texts(*verdicts: Verdict) -> tuple[str, ...]:
        return tuple(r.text for r in suggestion.reasons_with(*verdicts))

    return ProgrammeOption(
        rank=suggestion.rank,
        eligible=suggestion.eligible,
        score=suggestion.score,
        name=one_line(p.name),
        provider=one_line(p.provider),
        type_label=type_label(p.type),
        description=descriptions.get(p.id, ""),
        fits=texts(Verdict.FITS),
        against=texts(Verdict.AGAINST),
        check=texts(Verdict.CHECK),
        ruled_out_by=texts(Verdict.EXCLUDES),
        availability=_availability(p.places, p.enrolled, p.waiting_list, p.wait_days),
    )


def options_for(case: Case, stage: str) -> list[ProgrammeOption]:
    """Every programme of the case's jurisdiction, ranked and explained for the case at `stage`."""
    suggestions = programme_services.suggestions_for(case, stage=stage)
    ids = [s.programme.id for s in suggestions]
    rows = db.session.execute(select(Programme.id, Programme.description).where(Programme.id.in_(ids))) if ids else []
    descriptions = {row.id: (row.description or "").strip() for row in rows}
    return [_option(s, descriptions) for s in suggestions]
