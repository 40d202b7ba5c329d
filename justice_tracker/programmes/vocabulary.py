"""The registry's fixed words: programme types (with how restrictive each is), stages, costs, age bands.

Names are stable: the API, the registry import format and the demo use them.
Pure Python: no Flask, SQLAlchemy or I/O.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProgrammeType:
    name: str
    label: str
    # 1 (least restrictive: a conference, a mentor) to 5 (most: living away from home). Suggestions
    # favour the least restrictive option, so this scale is part of the explained ranking.
    restrictiveness: int


PROGRAMME_TYPES: dict[str, ProgrammeType] = {
    t.name: t
    for t in (
        ProgrammeType("restorative_justice_conference", "Restorative justice conference", 1),
        ProgrammeType("victim_offender_mediation", "Victim–offender mediation", 1),
        ProgrammeType("family_group_conference", "Family group conference", 1),
        ProgrammeType("mentoring", "Mentoring", 1),
        ProgrammeType("counselling_therapy", "Counselling or therapy", 2),
        ProgrammeType("education_vocational", "Education or vocational programme", 2),
        ProgrammeType("community_service", "Community service", 3),
        ProgrammeType("supervision", "Supervision by a social worker or probation officer", 3),
        ProgrammeType("bail_support", "Bail support", 3),
        ProgrammeType("other", "Other", 3),
        ProgrammeType("reporting_centre", "Day or evening reporting centre", 4),
        ProgrammeType("home_based_supervision", "Home-based supervision", 4),
        ProgrammeType("foster_shelter_placement", "Foster or shelter placement", 5),
    )
}
MOST_RESTRICTIVE = 5

PRE_CHARGE = "pre_charge_diversion"
PRE_TRIAL = "pretrial_alternative"
SENTENCING = "sentencing_alternative"
AFTERCARE = "aftercare"
STAGES: dict[str, str] = {
    PRE_CHARGE: "Pre-charge diversion",
    PRE_TRIAL: "Pre-trial alternative to detention",
    SENTENCING: "Sentencing alternative",
    AFTERCARE: "Aftercare",
}

# Cost to the family.
COSTS: dict[str, str] = {
    "free": "Free",
    "contribution": "A contribution, waived on need",
    "fee": "A fee",
}

# Why a referral failed: outcomes count failures by these reasons.
FAILURE_REASONS: dict[str, str] = {
    "did_not_attend": "Did not attend",
    "withdrew": "Withdrew",
    "new_offence": "New offence",
    "breach_of_conditions": "Breach of the programme's conditions",
    "moved_away": "Moved away",
    "programme_ended": "Programme ended or lost funding",
    "other": "Other",
}

_AGE_BANDS = ((10, "under 10"), (12, "10–11"), (14, "12–13"), (16, "14–15"), (18, "16–17"))


def type_label(name: str) -> str:
    found = PROGRAMME_TYPES.get(name)
    return found.label if found else name


def restrictiveness(type_name: str) -> int:
    found = PROGRAMME_TYPES.get(type_name)
    return found.restrictiveness if found else PROGRAMME_TYPES["other"].restrictiveness


def stage_label(name: str) -> str:
    return STAGES.get(name, name)


def age_band(age: int | None, *, estimated: bool = False) -> str:
    """A two-year band, what a programme coordinator sees instead of a date of birth."""
    if age is None:
        return "not known"
    band = next((label for limit, label in _AGE_BANDS if age < limit), "18 or over")
    return f"{band} (estimated)" if estimated else band
