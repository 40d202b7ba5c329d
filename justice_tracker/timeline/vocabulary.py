"""The event vocabulary: every stage a child's path can record, and its details.

Names are stable: the API, the case-file format, rule packs and tests use them.
Add what is missing; rename nothing without a migration and a note.
Pure Python: no Flask, SQLAlchemy or I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TEXT_LIST = "text_list"
    INSTANT = "instant"


class CustodyEffect(StrEnum):
    NONE = "none"
    STARTS_POLICE = "starts_police_custody"
    STARTS_PRETRIAL = "starts_pretrial_detention"
    STARTS_SENTENCED_IF_CUSTODIAL = "starts_sentenced_custody_if_custodial"
    CHANGES_FACILITY = "changes_facility"
    ENDS_CUSTODY = "ends_custody"


@dataclass(frozen=True)
class FieldSpec:
    """One type-specific detail of an event."""

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 500
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    custody_effect: CustodyEffect = CustodyEffect.NONE
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)

    def spec(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


NOTE = FieldSpec("note", "Note", max_length=2000)
FACILITY = FieldSpec("facility", "Facility", required=True, max_length=200)
SEPARATED = FieldSpec("separated_from_adults", "Separated from adults", FieldKind.BOOLEAN)
AUTHORITY = FieldSpec("authority", "Authority", max_length=200)
LEGAL_BASIS = FieldSpec("legal_basis", "Legal basis", max_length=300)

RELEASE_KINDS = ("unconditional", "to_parents", "bail", "conditions", "alternative_measure")
FINDINGS = ("responsible", "not_responsible", "dismissed")
REVIEW_OUTCOMES = ("continued", "released")
TERMINATION_GROUNDS = ("withdrawn", "time_barred", "diverted", "other")
DIVERSION_OUTCOMES = ("diverted", "not_diverted", "deferred")
# The steps of a referral to an alternative-to-detention programme (`programmes.referrals`).
REFERRAL_STATES = ("suggested", "offered", "accepted", "declined", "started", "completed", "failed", "closed")
APPEAL_OUTCOMES = ("allowed", "dismissed", "partly_allowed", "remitted")
PRESENT_CHOICES = ("lawyer", "parent", "appropriate_adult", "interpreter", "social_worker")
APPELLANTS = ("child", "prosecution")
# Rule packs match hearings by purpose (a trial starts England's custody time limits' end,
# a plea starts Uganda's clock), so the purpose is a fixed list, not free text.
HEARING_PURPOSES = (
    "first_appearance",
    "bail",
    "plea",
    "preliminary_assessment",
    "inquiry",
    "trial",
    "culpability",
    "sentencing",
    "detention_review",
    "appeal",
    "other",
)

PURPOSE = FieldSpec("purpose", "Purpose", FieldKind.CHOICE, choices=HEARING_PURPOSES)

_E = EventType
_F = FieldSpec

EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        _E(
            "apprehended",
            "Apprehended",
            CustodyEffect.STARTS_POLICE,
            (
                _F("facility", "Place of custody", max_length=200),
                SEPARATED,
                _F("by", "Apprehending agency", max_length=200),
                NOTE,
            ),
        ),
        _E(
            "parent_notified",
            "Parent or guardian notified",
            fields=(_F("who", "Person notified", max_length=200), _F("by", "Notified by", max_length=200), NOTE),
        ),
        _E(
            "lawyer_assigned",
            "Lawyer assigned",
            fields=(_F("lawyer", "Lawyer", max_length=200), _F("legal_aid", "Legal aid", FieldKind.BOOLEAN), NOTE),
        ),
        _E(
            "social_worker_notified",
            "Social worker or probation officer notified",
            fields=(_F("who", "Officer notified", max_length=200), NOTE),
        ),
        _E(
            "brought_before_authority",
            "Brought before a competent authority",
            fields=(
                AUTHORITY,
                # Journey time to the authority, which some laws exclude from the limit (India s. 10(1)).
                _F("journey_minutes", "Journey time (minutes)", FieldKind.INTEGER, minimum=0, maximum=7 * 24 * 60),
                NOTE,
            ),
        ),
        _E(
            "custody_extended",
            "Custody extended",
            fields=(
                _F("legal_basis", "Legal basis", required=True, max_length=300),
                AUTHORITY,
                _F("rule", "Rule extended (rule id)", max_length=100),
                _F("extension_hours", "Extension (hours)", FieldKind.INTEGER, minimum=1, maximum=24 * 366),
                _F("extension_days", "Extension (days)", FieldKind.INTEGER, minimum=1, maximum=3660),
                _F("extension_months", "Extension (months)", FieldKind.INTEGER, minimum=1, maximum=120),
                NOTE,
            ),
        ),
        _E(
            "limit_extended",
            "Time limit extended",
            fields=(
                _F("rule", "Rule extended (rule id)", required=True, max_length=100),
                _F("legal_basis", "Legal basis", required=True, max_length=300),
                AUTHORITY,
                _F("extension_hours", "Extension (hours)", FieldKind.INTEGER, minimum=1, maximum=24 * 366),
                _F("extension_days", "Extension (days)", FieldKind.INTEGER, minimum=1, maximum=3660),
                _F("extension_months", "Extension (months)", FieldKind.INTEGER, minimum=1, maximum=120),
                NOTE,
            ),
        ),
        _E(
            "released",
            "Released",
            CustodyEffect.ENDS_CUSTODY,
            (_F("kind", "Kind of release", FieldKind.CHOICE, required=True, choices=RELEASE_KINDS), NOTE),
        ),
        _E(
            "diversion_considered",
            "Diversion considered",
            fields=(
                _F("outcome", "Outcome", FieldKind.CHOICE, required=True, choices=DIVERSION_OUTCOMES),
                _F("reasons", "Reasons", required=True, max_length=2000),
                # Detention is a last resort: the form lists the eligible alternatives to answer one by one.
                _F("alternatives", "Alternatives considered and why each was not used", max_length=4000),
                NOTE,
            ),
        ),
        _E("charged", "Charged", fields=(AUTHORITY, NOTE)),
        _E(
            "pretrial_detention_ordered",
            "Pre-trial detention ordered",
            CustodyEffect.STARTS_PRETRIAL,
            (FACILITY, SEPARATED, AUTHORITY, LEGAL_BASIS, NOTE),
        ),
        _E(
            "detention_reviewed",
            "Detention reviewed",
            fields=(
                _F("outcome", "Outcome", FieldKind.CHOICE, required=True, choices=REVIEW_OUTCOMES),
                AUTHORITY,
                NOTE,
            ),
        ),
        _E(
            "transferred",
            "Transferred",
            CustodyEffect.CHANGES_FACILITY,
            (_F("facility", "New facility", required=True, max_length=200), SEPARATED, NOTE),
        ),
        _E(
            "hearing_scheduled",
            "Hearing scheduled",
            fields=(
                _F("hearing_at", "Hearing date and time", FieldKind.INSTANT, required=True),
                PURPOSE,
                NOTE,
            ),
        ),
        _E("hearing_held", "Hearing held", fields=(PURPOSE, NOTE)),
        _E(
            "hearing_adjourned",
            "Hearing adjourned",
            fields=(_F("reason", "Reason for adjournment", required=True, max_length=1000), NOTE),
        ),
        _E(
            "child_heard",
            "Child heard",
            fields=(
                _F("present", "Present", FieldKind.TEXT_LIST, choices=PRESENT_CHOICES),
                _F("language", "Language used", max_length=60),
                _F(
                    "information_understood",
                    "Information given in a language the child understands",
                    FieldKind.BOOLEAN,
                ),
                NOTE,
            ),
        ),
        _E(
            "adjudicated",
            "Adjudicated",
            fields=(_F("finding", "Finding", FieldKind.CHOICE, required=True, choices=FINDINGS), NOTE),
        ),
        _E(
            "proceedings_terminated",
            "Proceedings terminated",
            fields=(_F("ground", "Ground", FieldKind.CHOICE, required=True, choices=TERMINATION_GROUNDS), NOTE),
        ),
        _E(
            "sentenced",
            "Sentenced",
            CustodyEffect.STARTS_SENTENCED_IF_CUSTODIAL,
            (
                _F("custodial", "Custodial", FieldKind.BOOLEAN, required=True),
                _F("measure", "Measure", required=True, max_length=300),
                _F("length_days", "Length (days)", FieldKind.INTEGER, minimum=1, maximum=36600),
                _F("facility", "Facility", max_length=200),
                SEPARATED,
                NOTE,
            ),
        ),
        _E("appeal_filed", "Appeal filed", fields=(_F("by", "Appellant", FieldKind.CHOICE, choices=APPELLANTS), NOTE)),
        _E(
            "appeal_decided",
            "Appeal decided",
            fields=(_F("outcome", "Outcome", FieldKind.CHOICE, required=True, choices=APPEAL_OUTCOMES), NOTE),
        ),
        _E(
            "aftercare_started",
            "Aftercare started",
            fields=(_F("provider", "Provider", max_length=200), NOTE),
        ),
        _E("case_closed", "Case closed", fields=(NOTE,)),
        # One event per step of a referral to a programme of the registry (recorded by the referral
        # services), or by hand for a programme outside it.
        _E(
            "referral_updated",
            "Referral to a programme",
            fields=(
                _F("programme", "Programme", required=True, max_length=200),
                _F("programme_code", "Programme code in the registry", max_length=40),
                _F("state", "Step", FieldKind.CHOICE, required=True, choices=REFERRAL_STATES),
                _F("reason", "Reason", max_length=1000),
                NOTE,
            ),
        ),
    )
}

CUSTODIAL_STARTS = frozenset(
    name
    for name, e in EVENT_TYPES.items()
    if e.custody_effect
    in (CustodyEffect.STARTS_POLICE, CustodyEffect.STARTS_PRETRIAL, CustodyEffect.STARTS_SENTENCED_IF_CUSTODIAL)
)


def event_type(name: str) -> EventType | None:
    return EVENT_TYPES.get(name)
