"""clean_details: every event type's details checked and normalised against the vocabulary."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.problems import TimelineProblem
from justice_tracker.timeline.vocabulary import EVENT_TYPES, FieldKind

LONDON = ZoneInfo("Europe/London")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")

# One realistic, valid set of details per event type, written by hand from the design.
VALID_EXAMPLES: dict[str, dict[str, Any]] = {
    "apprehended": {"facility": "Central police station", "separated_from_adults": True, "by": "City police"},
    "parent_notified": {"who": "Mother", "by": "Duty officer", "note": "By telephone"},
    "lawyer_assigned": {"lawyer": "Legal aid office", "legal_aid": "on"},
    "social_worker_notified": {"who": "Probation officer on duty"},
    "brought_before_authority": {"authority": "Juvenile Justice Board"},
    "custody_extended": {"legal_basis": "Art. 12(3)", "authority": "Magistrate", "extension_hours": 24},
    "limit_extended": {"rule": "in-jja-14-inquiry-4m", "legal_basis": "s. 14(2) proviso", "extension_months": 2},
    "released": {"kind": "to_parents"},
    "diversion_considered": {"outcome": "diverted", "reasons": "First offence, admitted responsibility"},
    "charged": {"authority": "Public prosecutor"},
    "pretrial_detention_ordered": {"facility": "Youth detention centre", "separated_from_adults": "yes"},
    "detention_reviewed": {"outcome": "continued", "authority": "Youth court"},
    "transferred": {"facility": "Observation home", "separated_from_adults": False},
    "hearing_scheduled": {"hearing_at": "2024-05-02T09:30:00+01:00", "purpose": "bail"},
    "hearing_held": {"purpose": "bail"},
    "hearing_adjourned": {"reason": "Interpreter not available"},
    "child_heard": {"present": ["lawyer", "parent"], "language": "Portuguese", "information_understood": True},
    "adjudicated": {"finding": "responsible"},
    "proceedings_terminated": {"ground": "diverted"},
    "sentenced": {"custodial": True, "measure": "Internment", "length_days": 180, "facility": "Youth centre"},
    "appeal_filed": {"by": "child"},
    "appeal_decided": {"outcome": "dismissed"},
    "aftercare_started": {"provider": "Community reintegration programme"},
    "case_closed": {"note": "All measures completed"},
    "referral_updated": {"programme": "Riverside mentoring", "programme_code": "IN-MEN-01", "state": "offered"},
}


def clean(event_type: str, raw: dict[str, Any], tz: ZoneInfo = LONDON) -> tuple[dict[str, Any], list[TimelineProblem]]:
    return clean_details(event_type, raw, tz=tz)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES), ids=str)
def test_every_event_type_has_a_valid_example(event_type: str) -> None:
    cleaned, problems = clean(event_type, VALID_EXAMPLES[event_type])
    assert problems == []
    assert set(cleaned) == set(VALID_EXAMPLES[event_type])


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES), ids=str)
def test_each_missing_required_field_is_named(event_type: str) -> None:
    required = {f.name for f in EVENT_TYPES[event_type].fields if f.required}
    example = {k: v for k, v in VALID_EXAMPLES[event_type].items() if k not in required}
    cleaned, problems = clean(event_type, example)
    assert sorted(p.field for p in problems) == sorted(required)
    assert all(p.message.startswith("is required") for p in problems)
    assert all(p.event_type == event_type for p in problems)
    assert not required & set(cleaned)


def test_unknown_event_type_is_a_problem_on_type() -> None:
    cleaned, problems = clean("escaped", {"note": "x"})
    assert cleaned == {}
    assert [(p.field, p.event_type) for p in problems] == [("type", None)]
    assert "'escaped'" in problems[0].message


@pytest.mark.parametrize(
    ("event_type", "raw", "field", "fragment"),
    [
        ("released", {"kind": "bail", "colour": "red"}, "colour", "not a field of released events"),
        ("released", {"kind": "bail", 7: "x"}, "7", "not a field"),
        ("released", {"kind": "escaped"}, "kind", "must be one of: unconditional"),
        ("released", {"kind": 3}, "kind", "must be one of"),
        ("released", {"kind": "   "}, "kind", "is required"),
        ("released", {"kind": None}, "kind", "is required"),
        ("charged", {"authority": 12}, "authority", "must be text"),
        ("charged", {"authority": "a" * 201}, "authority", "at most 200 characters (got 201)"),
        ("charged", {"note": "bell\x07"}, "note", "control character (U+0007)"),
        ("charged", {"note": "esc\x1b[31m"}, "note", "control character (U+001B)"),
        ("charged", {"note": "c1\x85next line"}, "note", "control character (U+0085)"),
        ("charged", {"note": "nul\x00"}, "note", "control character (U+0000)"),
        ("charged", {"note": "bad \ud800"}, "note", "invalid character"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": True}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": 2.5}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": 2.0}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": "2.5"}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": "٣"}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": "9" * 5000}, "extension_hours", "whole number"),
        ("custody_extended", {"legal_basis": "x", "extension_hours": 0}, "extension_hours", "between 1 and 8784"),
        ("custody_extended", {"legal_basis": "x", "extension_days": 3661}, "extension_days", "(got 3661)"),
        ("lawyer_assigned", {"legal_aid": "maybe"}, "legal_aid", "must be yes or no"),
        ("lawyer_assigned", {"legal_aid": 1}, "legal_aid", "must be yes or no"),
        ("child_heard", {"present": ["lawyer", "uncle"]}, "present", "item 2 must be one of"),
        ("child_heard", {"present": "lawyer, judge"}, "present", "item 2 must be one of"),
        ("child_heard", {"present": ["lawyer", 5]}, "present", "item 2 must be text"),
        ("child_heard", {"present": {"lawyer": True}}, "present", "must be a list"),
        ("child_heard", {"present": ["parent\x00"]}, "present", "item 1 contains a control character"),
        ("hearing_scheduled", {"hearing_at": "next tuesday"}, "hearing_at", "ISO 8601"),
        ("hearing_scheduled", {"hearing_at": "2024-05-02"}, "hearing_at", "must include a time of day"),
        ("hearing_scheduled", {"hearing_at": 1714640000}, "hearing_at", "ISO 8601"),
        ("hearing_scheduled", {"hearing_at": "2024-03-31T01:30"}, "hearing_at", "does not exist in Europe/London"),
        ("hearing_scheduled", {"hearing_at": "2024-10-27T01:30"}, "hearing_at", "happened twice in Europe/London"),
        ("hearing_scheduled", {"hearing_at": "0001-01-01T00:30+01:00"}, "hearing_at", "out of the range"),
        ("sentenced", {"custodial": "yes"}, "measure", "is required"),
    ],
    ids=[
        "unknown-field",
        "non-text-field-name",
        "choice-not-listed",
        "choice-not-text",
        "required-whitespace-only",
        "required-none",
        "text-not-str",
        "text-too-long",
        "text-bell",
        "text-escape-sequence",
        "text-c1-control",
        "text-nul",
        "text-lone-surrogate",
        "integer-bool",
        "integer-float",
        "integer-integral-float",
        "integer-decimal-text",
        "integer-non-ascii-digit",
        "integer-huge-text",
        "integer-below-minimum",
        "integer-above-maximum",
        "boolean-unknown-word",
        "boolean-int",
        "list-item-not-a-choice",
        "list-comma-text-item-not-a-choice",
        "list-item-not-text",
        "list-not-a-list",
        "list-item-control-char",
        "instant-garbage",
        "instant-date-only",
        "instant-number",
        "instant-skipped-by-dst",
        "instant-repeated-by-dst",
        "instant-overflow",
        "required-missing-among-others",
    ],
)
def test_invalid_details(event_type: str, raw: dict[Any, Any], field: str, fragment: str) -> None:
    cleaned, problems = clean(event_type, raw)
    assert [p.field for p in problems] == [field]
    assert fragment in problems[0].message
    assert field not in cleaned


def test_all_problems_are_reported_at_once() -> None:
    _, problems = clean("sentenced", {"custodial": "perhaps", "length_days": 0, "judge": "X"})
    assert sorted(p.field for p in problems) == ["custodial", "judge", "length_days", "measure"]


@pytest.mark.parametrize(
    ("event_type", "raw", "expected"),
    [
        ("charged", {"authority": "  Prosecutor  "}, {"authority": "Prosecutor"}),
        ("charged", {"note": "line one\r\nline two\rthree\tend"}, {"note": "line one\nline two\nthree\tend"}),
        ("charged", {"authority": "", "note": None}, {}),
        ("charged", {"authority": "a" * 200}, {"authority": "a" * 200}),
        ("charged", {"authority": "\x0bProsecutor\x1c"}, {"authority": "Prosecutor"}),
        ("released", {"kind": " bail "}, {"kind": "bail"}),
        (
            "custody_extended",
            {"legal_basis": "s. 5", "extension_days": " 14 "},
            {"legal_basis": "s. 5", "extension_days": 14},
        ),
        (
            "custody_extended",
            {"legal_basis": "s. 5", "extension_hours": 8784},
            {"legal_basis": "s. 5", "extension_hours": 8784},
        ),
        ("child_heard", {"present": "lawyer, parent,,lawyer"}, {"present": ["lawyer", "parent"]}),
        ("child_heard", {"present": ("interpreter",)}, {"present": ["interpreter"]}),
        ("child_heard", {"present": []}, {"present": []}),
        (
            "sentenced",
            {"custodial": "0", "measure": "Community service"},
            {"custodial": False, "measure": "Community service"},
        ),
    ],
    ids=[
        "text-stripped",
        "text-line-breaks-normalised",
        "blank-optional-dropped",
        "text-at-max-length",
        "whitespace-like-controls-at-edges-stripped",
        "choice-stripped",
        "integer-from-form-text",
        "integer-at-maximum",
        "list-from-comma-text-deduplicated",
        "list-from-tuple",
        "explicit-empty-list-kept",
        "boolean-from-form-text",
    ],
)
def test_cleaning_normalises(event_type: str, raw: dict[str, Any], expected: dict[str, Any]) -> None:
    cleaned, problems = clean(event_type, raw)
    assert problems == []
    assert cleaned == expected


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("true", True), ("on", True), ("yes", True), ("1", True), (" YES ", True), (True, True),
        ("false", False), ("off", False), ("no", False), ("0", False), ("False", False), (False, False),
    ],
    ids=["true", "on", "yes", "1", "padded-upper-yes", "bool-true",
         "false", "off", "no", "0", "capitalised-false", "bool-false"],
)  # fmt: skip
def test_boolean_words_from_forms(posted: Any, expected: bool) -> None:
    cleaned, problems = clean("lawyer_assigned", {"legal_aid": posted})
    assert problems == []
    assert cleaned["legal_aid"] is expected


@pytest.mark.parametrize(
    ("posted", "tz", "expected"),
    [
        ("2024-01-15T09:30", LONDON, "2024-01-15T09:30:00Z"),
        ("2024-07-15T09:30", LONDON, "2024-07-15T08:30:00Z"),
        ("2024-07-15 09:30:59.999", LONDON, "2024-07-15T08:30:59Z"),
        ("2024-07-15T09:30:00+05:30", LONDON, "2024-07-15T04:00:00Z"),
        ("2024-07-15T09:30:00Z", SAO_PAULO, "2024-07-15T09:30:00Z"),
        ("2024-07-15T09:30", SAO_PAULO, "2024-07-15T12:30:00Z"),
        ("2018-11-04T00:30-03:00", SAO_PAULO, "2018-11-04T03:30:00Z"),
        ("2018-12-01T10:00", SAO_PAULO, "2018-12-01T12:00:00Z"),
        ("2024-10-27T01:30:00+00:00", LONDON, "2024-10-27T01:30:00Z"),
        ("2024-10-27T01:30:00+01:00", LONDON, "2024-10-27T00:30:00Z"),
    ],
    ids=[
        "naive-london-winter",
        "naive-london-summer",
        "space-separator-fraction-dropped",
        "offset-kept",
        "utc-designator",
        "naive-sao-paulo",
        "offset-given-in-sao-paulo-dst-gap",
        "naive-sao-paulo-summer-time-2018",
        "ambiguous-resolved-by-offset-gmt",
        "ambiguous-resolved-by-offset-bst",
    ],
)
def test_instants_are_stored_in_utc(posted: str, tz: ZoneInfo, expected: str) -> None:
    cleaned, problems = clean("hearing_scheduled", {"hearing_at": posted}, tz)
    assert problems == []
    assert cleaned == {"hearing_at": expected}


def test_problem_carries_the_event_key_when_given() -> None:
    _, problems = clean_details("released", {"kind": "nope"}, tz=LONDON, event_key="3")
    assert str(problems[0]).startswith("event 3 (released): field 'kind': must be one of: unconditional")


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (TimelineProblem("3", "kind", "must be x", "released"), "event 3 (released): field 'kind': must be x"),
        (TimelineProblem("3", "at", "is late"), "event 3: field 'at': is late"),
        (TimelineProblem(None, "kind", "must be x", "released"), "released event: field 'kind': must be x"),
        (TimelineProblem(None, "type", "unknown"), "event: field 'type': unknown"),
    ],
    ids=["key-and-type", "key-only", "type-only", "neither"],
)
def test_problem_str(problem: TimelineProblem, expected: str) -> None:
    assert str(problem) == expected


_PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=60)


@settings(max_examples=60, deadline=None)
@given(_PRINTABLE)
def test_printable_text_is_kept_stripped(text: str) -> None:
    cleaned, problems = clean("charged", {"authority": text})
    assert problems == []
    assert cleaned.get("authority", "") == text.strip()


@settings(max_examples=60, deadline=None)
@given(_PRINTABLE, st.characters(categories=("Cc",)).filter(lambda c: c not in "\n\t\r"), _PRINTABLE)
def test_control_characters_are_refused_anywhere(before: str, control: str, after: str) -> None:
    # Letters around the control character: at either end, whitespace-like controls are simply stripped.
    cleaned, problems = clean("charged", {"note": f"{before}a{control}b{after}"})
    assert [p.field for p in problems] == ["note"]
    assert f"U+{ord(control):04X}" in problems[0].message
    assert "note" not in cleaned


@settings(max_examples=60, deadline=None)
@given(st.integers())
def test_integers_inside_bounds_pass_and_outside_fail(n: int) -> None:
    spec = EVENT_TYPES["sentenced"].spec("length_days")
    assert spec is not None and spec.kind is FieldKind.INTEGER
    assert spec.minimum is not None and spec.maximum is not None
    cleaned, problems = clean("sentenced", {"custodial": True, "measure": "m", "length_days": n})
    if spec.minimum <= n <= spec.maximum:
        assert problems == [] and cleaned["length_days"] == n
    else:
        assert [p.field for p in problems] == ["length_days"]
