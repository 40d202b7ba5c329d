"""Whether a programme fits a child's case, topic by topic, with the reason in words.

`assess(programme, child)` gives one or more `Reason`s per topic (jurisdiction,
stage, age, offence, area, language, capacity, requirements, exclusions), each with
a verdict:

- `fits`: a reason for the programme;
- `against`: a reason that lowers its rank but does not rule it out (another area,
  another language, no place free now);
- `excludes`: the programme cannot take the case as recorded (other jurisdiction or
  stage, age outside its range, an offence class or penalty it does not accept, not
  taking referrals);
- `check`: something the registry asks that the record cannot answer (consent,
  acknowledgement of responsibility, exclusions such as current violence, a missing
  date of birth or offence class): a person must check it. Never a reason to hide a
  programme.

Pure Python: the caller passes plain facts, never rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from justice_tracker.programmes.vocabulary import stage_label


class Verdict(StrEnum):
    FITS = "fits"
    AGAINST = "against"
    EXCLUDES = "excludes"
    CHECK = "check"


@dataclass(frozen=True)
class Reason:
    topic: str
    verdict: Verdict
    text: str


@dataclass(frozen=True)
class OffenceFacts:
    offence_class: str | None
    max_penalty_years: float | None


@dataclass(frozen=True)
class ChildCase:
    """What suggestions need to know of a case: no name, no birth date, no offence description."""

    jurisdiction: str
    stage: str
    age: int | None
    age_estimated: bool = False
    offences: tuple[OffenceFacts, ...] = ()
    languages: tuple[str, ...] = ()
    area: str | None = None


@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    code: str
    name: str
    type: str
    jurisdiction: str
    stages: frozenset[str]
    provider: str = ""
    areas: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    offence_classes: frozenset[str] = frozenset()
    excluded_offence_classes: frozenset[str] = frozenset()
    max_penalty_years: float | None = None
    requires_acknowledgement: bool = False
    requires_child_consent: bool = True
    requires_parent_consent: bool = False
    exclusions: tuple[str, ...] = ()
    places: int = 0
    enrolled: int = 0
    waiting_list: int = 0
    wait_days: int | None = None
    active: bool = True
    # From past referrals: how many finished, and how many of those completed.
    completions: int = 0
    failures: int = 0

    @property
    def free_places(self) -> int:
        return max(0, self.places - self.enrolled)


def is_eligible(reasons: Sequence[Reason]) -> bool:
    return all(r.verdict is not Verdict.EXCLUDES for r in reasons)


def assess(programme: ProgrammeFacts, child: ChildCase) -> list[Reason]:
    """Every reason for and against `programme` for `child`, in a fixed topic order."""
    reasons: list[Reason] = []
    if not programme.active:
        reasons.append(Reason("active", Verdict.EXCLUDES, "is not taking referrals at present"))
    if programme.jurisdiction != child.jurisdiction:
        reasons.append(Reason("jurisdiction", Verdict.EXCLUDES, f"works in {programme.jurisdiction}, not here"))
    reasons.append(_stage(programme, child))
    reasons.append(_age(programme, child))
    reasons += _offences(programme, child)
    reasons.append(_area(programme, child))
    reasons.append(_language(programme, child))
    reasons.append(_capacity(programme))
    reasons += _requirements(programme)
    reasons += [Reason("exclusions", Verdict.CHECK, f"excludes {item}: check") for item in programme.exclusions]
    return reasons


def _stage(programme: ProgrammeFacts, child: ChildCase) -> Reason:
    if child.stage in programme.stages:
        return Reason("stage", Verdict.FITS, f"offered at this stage ({stage_label(child.stage).lower()})")
    offered = ", ".join(stage_label(s).lower() for s in sorted(programme.stages)) or "no stage"
    return Reason("stage", Verdict.EXCLUDES, f"offered at {offered}; the case is at {stage_label(child.stage).lower()}")


def _age_range(programme: ProgrammeFacts) -> str:
    low, high = programme.min_age, programme.max_age
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"{low} or over" if low is not None else f"{high} or under"


def _age(programme: ProgrammeFacts, child: ChildCase) -> Reason:
    low, high = programme.min_age, programme.max_age
    if low is None and high is None:
        return Reason("age", Verdict.FITS, "takes children of any age")
    wanted = _age_range(programme)
    if child.age is None:
        return Reason("age", Verdict.CHECK, f"takes ages {wanted}; the date of birth is not recorded: check the age")
    outside_by = max((low - child.age) if low is not None else 0, (child.age - high) if high is not None else 0)
    if outside_by <= 0:
        return Reason("age", Verdict.FITS, f"takes ages {wanted}; the child is {child.age}")
    if child.age_estimated and outside_by <= 1:
        # An estimate can be a year out either way: a person decides, the registry does not.
        return Reason("age", Verdict.CHECK, f"takes ages {wanted}; the child's age ({child.age}) is estimated: check")
    return Reason("age", Verdict.EXCLUDES, f"takes ages {wanted}; the child is {child.age}")


def _offences(programme: ProgrammeFacts, child: ChildCase) -> list[Reason]:
    selects = programme.offence_classes or programme.excluded_offence_classes or programme.max_penalty_years is not None
    if not selects:
        return [Reason("offence", Verdict.FITS, "takes any offence")]
    if not child.offences:
        return [Reason("offence", Verdict.CHECK, "no offence is recorded: check the programme's offence criteria")]
    out: list[Reason] = []
    classes = {o.offence_class for o in child.offences if o.offence_class}
    excluded = sorted(classes & programme.excluded_offence_classes)
    if excluded:
        out.append(Reason("offence", Verdict.EXCLUDES, f"does not take offences of class {', '.join(excluded)}"))
    if programme.offence_classes:
        outside = sorted(classes - programme.offence_classes)
        accepted = ", ".join(sorted(programme.offence_classes))
        if outside:
            out.append(Reason("offence", Verdict.EXCLUDES, f"takes class {accepted}; not {', '.join(outside)}"))
        elif any(o.offence_class is None for o in child.offences):
            out.append(Reason("offence", Verdict.CHECK, f"takes class {accepted}; an offence's class is not recorded"))
        else:
            out.append(Reason("offence", Verdict.FITS, f"takes class {accepted}"))
    if programme.max_penalty_years is not None:
        out.append(_penalty(programme.max_penalty_years, child.offences))
    if not out:
        out.append(Reason("offence", Verdict.FITS, "takes the offence classes recorded"))
    return out


def _penalty(limit: float, offences: Sequence[OffenceFacts]) -> Reason:
    penalties = [o.max_penalty_years for o in offences]
    known = [p for p in penalties if p is not None]
    if known and max(known) > limit:
        return Reason(
            "offence",
            Verdict.EXCLUDES,
            f"takes offences punishable by at most {limit:g} years; one is punishable by {max(known):g}",
        )
    if len(known) < len(penalties):
        return Reason("offence", Verdict.CHECK, f"takes offences punishable by at most {limit:g} years; check one")
    return Reason("offence", Verdict.FITS, f"takes offences punishable by at most {limit:g} years")


def _area(programme: ProgrammeFacts, child: ChildCase) -> Reason:
    if not programme.areas:
        return Reason("area", Verdict.FITS, "serves the whole jurisdiction")
    served = ", ".join(programme.areas)
    if not child.area:
        return Reason("area", Verdict.CHECK, f"serves {served}; the court's area is not recorded: check")
    if child.area.casefold() in {a.casefold() for a in programme.areas}:
        return Reason("area", Verdict.FITS, f"serves {child.area}")
    return Reason("area", Verdict.AGAINST, f"serves {served}, not {child.area}")


def _language(programme: ProgrammeFacts, child: ChildCase) -> Reason:
    if not programme.languages:
        return Reason("language", Verdict.CHECK, "its languages are not stated: check")
    offered = ", ".join(programme.languages)
    if not child.languages:
        return Reason("language", Verdict.CHECK, f"works in {offered}; the child's languages are not recorded")
    shared = [lang for lang in child.languages if lang.casefold() in {x.casefold() for x in programme.languages}]
    if shared:
        return Reason("language", Verdict.FITS, f"works in {', '.join(shared)}, a language of the child")
    return Reason("language", Verdict.AGAINST, f"works in {offered}: an interpreter would be needed")


def _capacity(programme: ProgrammeFacts) -> Reason:
    if programme.free_places > 0:
        return Reason("capacity", Verdict.FITS, f"{programme.free_places} of {programme.places} places free now")
    wait = f", about {programme.wait_days} days' wait" if programme.wait_days else ""
    queue = f"; {programme.waiting_list} on the waiting list{wait}" if programme.waiting_list or wait else ""
    return Reason("capacity", Verdict.AGAINST, f"at capacity ({programme.enrolled} of {programme.places}){queue}")


def _requirements(programme: ProgrammeFacts) -> list[Reason]:
    needs = []
    if programme.requires_child_consent:
        needs.append("the child's consent")
    if programme.requires_parent_consent:
        needs.append("a parent's consent")
    out = []
    if needs:
        out.append(Reason("requirements", Verdict.CHECK, "needs " + " and ".join(needs)))
    if programme.requires_acknowledgement:
        text = "needs the child to acknowledge responsibility (never an admission of guilt)"
        out.append(Reason("requirements", Verdict.CHECK, text))
    return out
