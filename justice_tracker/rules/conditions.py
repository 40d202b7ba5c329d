"""Whether a rule's conditions (age band, offences, offence date) hold for a case.

Ages are completed years on a local date (`timeline.ages.age_on`). An estimated
date of birth is used as recorded. With no date of birth, a rule with an age band
does not apply and says so: guessing an age would either flag children who were
lawfully held or hide the limits that protect them.

Offence conditions read the case's offences: with `offences: any` one matching
offence is enough (a crime among délits brings the crime's limits); with `all`
every offence must match (Kenya's no-remand rule holds only if no offence is
punishable by more than 6 months). An offence whose class or penalty is not
recorded matches no condition that reads it. `not_offence_classes` looks at the
whole case: one offence of such a class and the rule does not apply (Canada's
general sentence maximum gives way to the murder maxima).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from justice_tracker.rules.model import AgeAt, CaseFacts, Conditions, OffenceFacts, OffenceMatch
from justice_tracker.timeline.ages import age_on


def unmet_condition(conditions: Conditions, case: CaseFacts, *, start: date, end: date) -> str | None:
    """None when the conditions hold; otherwise why not, in words a clerk can read.

    `start` and `end` are the local dates the rule's clock started and ended (or
    `as_of`); the offence date defaults to `start` when the case has none.
    """
    offence_date = case.offence_date or start
    if conditions.offence_date_from is not None and offence_date < conditions.offence_date_from:
        return f"applies to offences from {conditions.offence_date_from.isoformat()}"
    if conditions.offence_date_before is not None and offence_date >= conditions.offence_date_before:
        return f"applies to offences before {conditions.offence_date_before.isoformat()}"
    if conditions.reads_age:
        on = offence_date if conditions.age_at is AgeAt.OFFENCE else start if conditions.age_at is AgeAt.START else end
        reason = _age_reason(conditions, case, on)
        if reason:
            return reason
    if conditions.reads_offences:
        return _offence_reason(conditions, case.offences)
    return None


def age_band(conditions: Conditions) -> str:
    low, high = conditions.age_min, conditions.age_max
    if low is not None and high is not None:
        return f"aged {low} to {high}"
    return f"aged {low} or over" if low is not None else f"aged {high} or under"


def _age_reason(conditions: Conditions, case: CaseFacts, on: date) -> str | None:
    born = case.child.date_of_birth
    if born is None:
        return f"applies to children {age_band(conditions)}; date of birth not recorded"
    age = age_on(born, on) if on >= born else 0
    low, high = conditions.age_min, conditions.age_max
    if (low is not None and age < low) or (high is not None and age > high):
        return f"applies to children {age_band(conditions)}; the child was {age} on {on.isoformat()}"
    return None


def _offence_reason(conditions: Conditions, offences: Sequence[OffenceFacts]) -> str | None:
    excluded = sorted({o.offence_class for o in offences if o.offence_class in conditions.not_offence_classes})
    if excluded:
        return f"does not apply to a case with an offence of class {' or '.join(excluded)}"
    if not conditions.selects_offences:
        return None
    if not offences:
        return f"applies to {describe_offences(conditions)}; no offence recorded"
    fits = [_fits(conditions, offence) for offence in offences]
    if all(fits) if conditions.offences is OffenceMatch.ALL else any(fits):
        return None
    return f"applies to {describe_offences(conditions)}"


def describe_offences(conditions: Conditions) -> str:
    parts = []
    if conditions.offence_classes is not None:
        parts.append("class " + " or ".join(sorted(conditions.offence_classes)))
    if conditions.penalty_years_min is not None:
        parts.append(f"punishable by {conditions.penalty_years_min:g} years or more")
    if conditions.penalty_years_max is not None:
        parts.append(f"punishable by at most {conditions.penalty_years_max:g} years")
    if conditions.penalty_years_below is not None:
        parts.append(f"punishable by less than {conditions.penalty_years_below:g} years")
    scope = "every offence" if conditions.offences is OffenceMatch.ALL else "an offence"
    return f"{scope} {', '.join(parts)}"


def _fits(conditions: Conditions, offence: OffenceFacts) -> bool:
    if conditions.offence_classes is not None and offence.offence_class not in conditions.offence_classes:
        return False
    bounds = (conditions.penalty_years_min, conditions.penalty_years_max, conditions.penalty_years_below)
    if all(bound is None for bound in bounds):
        return True
    penalty = offence.max_penalty_years
    if penalty is None:
        return False
    low, high, below = bounds
    return (low is None or penalty >= low) and (high is None or penalty <= high) and (below is None or penalty < below)
