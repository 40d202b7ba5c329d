"""Eligibility, table-driven: one row per criterion and its edge, with the verdict and the words expected."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from justice_tracker.programmes.eligibility import ChildCase, OffenceFacts, ProgrammeFacts, Verdict, assess, is_eligible
from justice_tracker.programmes.vocabulary import AFTERCARE, SENTENCING, age_band
from tests.programmes.facts import CHILD, PROGRAMME

F, A, X, C = Verdict.FITS, Verdict.AGAINST, Verdict.EXCLUDES, Verdict.CHECK


def _p(**kw: Any) -> ProgrammeFacts:
    return replace(PROGRAMME, **kw)


def _c(**kw: Any) -> ChildCase:
    return replace(CHILD, **kw)


# (programme, child, topic, expected verdicts for that topic, words in the first such reason)
ROWS = [
    pytest.param(PROGRAMME, CHILD, "stage", [F], "this stage", id="stage-fits"),
    pytest.param(
        _p(stages=frozenset({SENTENCING, AFTERCARE})), CHILD, "stage", [X], "the case is at", id="stage-other"
    ),
    pytest.param(_p(jurisdiction="FR"), CHILD, "jurisdiction", [X], "works in FR", id="other-jurisdiction"),
    pytest.param(_p(active=False), CHILD, "active", [X], "not taking referrals", id="inactive"),
    pytest.param(PROGRAMME, _c(age=12), "age", [F], "the child is 12", id="age-at-minimum"),
    pytest.param(PROGRAMME, _c(age=17), "age", [F], "the child is 17", id="age-at-maximum"),
    pytest.param(PROGRAMME, _c(age=11), "age", [X], "takes ages 12 to 17", id="age-below"),
    pytest.param(PROGRAMME, _c(age=18), "age", [X], "the child is 18", id="age-above"),
    pytest.param(PROGRAMME, _c(age=18, age_estimated=True), "age", [C], "estimated", id="estimated-age-one-out"),
    pytest.param(PROGRAMME, _c(age=19, age_estimated=True), "age", [X], "the child is 19", id="estimated-two-out"),
    pytest.param(PROGRAMME, _c(age=None), "age", [C], "not recorded", id="age-unknown"),
    pytest.param(_p(min_age=None, max_age=None), _c(age=None), "age", [F], "any age", id="no-age-limit"),
    pytest.param(_p(min_age=14, max_age=None), _c(age=13), "age", [X], "14 or over", id="open-ended-range"),
    pytest.param(PROGRAMME, CHILD, "offence", [F], "any offence", id="any-offence"),
    pytest.param(_p(offence_classes=frozenset({"petty"})), CHILD, "offence", [X], "not other", id="class-not-taken"),
    pytest.param(
        _p(offence_classes=frozenset({"petty", "other"})), CHILD, "offence", [F], "takes class", id="class-taken"
    ),
    pytest.param(
        _p(offence_classes=frozenset({"petty"})),
        _c(offences=(OffenceFacts("petty", 1.0), OffenceFacts("serious", 7.0))),
        "offence",
        [X],
        "not serious",
        id="every-offence-must-be-taken",
    ),
    pytest.param(
        _p(offence_classes=frozenset({"petty"})),
        _c(offences=(OffenceFacts(None, 1.0),)),
        "offence",
        [C],
        "not recorded",
        id="class-unrecorded",
    ),
    pytest.param(
        _p(excluded_offence_classes=frozenset({"heinous"})),
        _c(offences=(OffenceFacts("heinous", 10.0),)),
        "offence",
        [X],
        "does not take offences of class heinous",
        id="class-excluded",
    ),
    pytest.param(_p(max_penalty_years=4.0), CHILD, "offence", [F], "at most 4 years", id="penalty-at-limit"),
    pytest.param(_p(max_penalty_years=3.0), CHILD, "offence", [X], "one is punishable by 4", id="penalty-above"),
    pytest.param(
        _p(max_penalty_years=3.0),
        _c(offences=(OffenceFacts("other", None),)),
        "offence",
        [C],
        "check",
        id="penalty-unknown",
    ),
    pytest.param(_p(max_penalty_years=3.0), _c(offences=()), "offence", [C], "no offence", id="no-offence-recorded"),
    pytest.param(PROGRAMME, CHILD, "area", [F], "serves Porto Claro", id="area-served"),
    pytest.param(PROGRAMME, _c(area="porto claro"), "area", [F], "serves porto claro", id="area-any-case"),
    pytest.param(PROGRAMME, _c(area="Vila Nova"), "area", [A], "not Vila Nova", id="area-not-served"),
    pytest.param(_p(areas=()), _c(area="Vila Nova"), "area", [F], "whole jurisdiction", id="whole-jurisdiction"),
    pytest.param(PROGRAMME, _c(area=None), "area", [C], "not recorded", id="court-area-unknown"),
    pytest.param(PROGRAMME, CHILD, "language", [F], "works in pt", id="language-shared"),
    pytest.param(PROGRAMME, _c(languages=("es", "PT")), "language", [F], "PT", id="language-any-case"),
    pytest.param(PROGRAMME, _c(languages=("en",)), "language", [A], "interpreter", id="no-shared-language"),
    pytest.param(_p(languages=()), CHILD, "language", [C], "not stated", id="programme-languages-unknown"),
    pytest.param(PROGRAMME, CHILD, "capacity", [F], "7 of 10 places free", id="places-free"),
    pytest.param(
        _p(enrolled=10, waiting_list=4, wait_days=30),
        CHILD,
        "capacity",
        [A],
        "at capacity (10 of 10); 4 on the waiting list, about 30 days' wait",
        id="at-capacity-still-shown",
    ),
    pytest.param(PROGRAMME, CHILD, "requirements", [], "", id="nothing-required"),
    pytest.param(
        _p(requires_child_consent=True, requires_parent_consent=True, requires_acknowledgement=True),
        CHILD,
        "requirements",
        [C, C],
        "the child's consent and a parent's consent",
        id="consents-and-acknowledgement",
    ),
    pytest.param(
        _p(exclusions=("current violence",)), CHILD, "exclusions", [C], "excludes current violence", id="exclusion"
    ),
]


@pytest.mark.parametrize(("programme", "child", "topic", "verdicts", "words"), ROWS)
def test_each_criterion(programme, child, topic, verdicts, words):
    found = [r for r in assess(programme, child) if r.topic == topic]
    assert [r.verdict for r in found] == verdicts
    if verdicts:
        assert words in found[0].text
    # Only a reason that excludes makes a programme ineligible; "against" and "check" never do.
    assert is_eligible(assess(programme, child)) == all(r.verdict is not X for r in assess(programme, child))


def test_the_example_programme_fits_the_example_child_on_every_topic():
    reasons = assess(PROGRAMME, CHILD)
    assert is_eligible(reasons)
    assert {r.verdict for r in reasons} == {F}
    assert [r.topic for r in reasons] == ["stage", "age", "offence", "area", "language", "capacity"]


def test_against_and_check_keep_a_programme_eligible_excludes_does_not():
    soft = _p(enrolled=10, exclusions=("current violence",), requires_child_consent=True)
    assert is_eligible(assess(soft, _c(area="Vila Nova", languages=("en",), age=None)))
    assert not is_eligible(assess(_p(max_age=14), CHILD))


def test_reasons_name_offence_classes_never_descriptions():
    reasons = assess(_p(offence_classes=frozenset({"petty"})), CHILD)
    assert any("class" in r.text for r in reasons)
    assert all("theft" not in r.text.lower() for r in reasons)


@pytest.mark.parametrize(
    ("age", "estimated", "band"),
    [
        (9, False, "under 10"),
        (10, False, "10–11"),
        (13, False, "12–13"),
        (17, False, "16–17"),
        (18, False, "18 or over"),
        (15, True, "14–15 (estimated)"),
        (None, False, "not known"),
    ],
)
def test_age_bands(age, estimated, band):
    assert age_band(age, estimated=estimated) == band
