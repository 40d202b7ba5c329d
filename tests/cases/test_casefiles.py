"""Case-file import and export as services: all-or-nothing, idempotent, round-trippable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.cases import services
from justice_tracker.cases.casefiles import export_case_file, file_name, import_case_file, import_case_file_detailed
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.errors import Conflict, Forbidden, ValidationFailed
from justice_tracker.org.models import Court
from tests.api.helpers import example, row_counts


def test_import_creates_the_case_the_court_and_the_child(make):
    admin = make.admin()
    case, created = import_case_file(admin, example("br_presentation_and_internment.json"))
    db.session.commit()
    assert created
    assert case.court.name == "Vara da Infância e Juventude — exemplo"
    assert case.court.jurisdiction_code == "BR"
    assert case.child.date_of_birth.isoformat() == "2010-05-14"
    assert case.custody_state == "pretrial_detention"
    assert case.custody_since == datetime(2026, 1, 11, 1, 15, tzinfo=UTC)
    assert [e.details for e in case.events][2:] == [
        {"authority": "Ministério Público"},
        {"facility": "Unidade de internação provisória — exemplo"},
    ]
    assert case.offences[0].max_penalty_years == 4


def test_a_file_without_a_court_goes_to_the_jurisdictions_only_court(make):
    court = make.court("IN", name="Only board")
    data = example("in_inquiry_extension.json")
    del data["court"]
    case, _ = import_case_file(make.admin(), data)
    assert case.court_id == court.id


def test_a_file_without_a_court_in_a_jurisdiction_with_none_gets_one(make):
    data = example("in_inquiry_extension.json")
    del data["court"]
    case, _ = import_case_file(make.admin(), data)
    assert case.court.name == "India — imported cases"


def test_several_courts_and_no_court_named_is_refused(make):
    make.court("IN")
    make.court("IN")
    data = example("in_inquiry_extension.json")
    del data["court"]
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(make.admin(), data)
    assert "court" in caught.value.as_dict()


def test_importing_twice_creates_nothing_new(make):
    admin = make.admin()
    data = example("in_inquiry_extension.json")
    first, _ = import_case_file(admin, data)
    db.session.commit()
    counts = row_counts()
    result = import_case_file_detailed(admin, data)
    db.session.commit()
    assert result.case.id == first.id and not result.created and not result.changed
    assert result.skipped_events == [0, 1, 2]
    after = row_counts()
    assert after.pop("audit_log") == counts.pop("audit_log") + 1
    assert after == counts


def test_bad_last_event_leaves_every_table_unchanged(make):
    admin = make.admin()
    data = example("br_presentation_and_internment.json")
    data["events"].append({"type": "detention_reviewed", "at": "2026-01-20T10:00:00-03:00", "outcome": "maybe"})
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(admin, data)
    assert list(caught.value.as_dict()) == ["events.4.outcome"]
    assert row_counts() == before
    assert db.session.scalar(select(Court).where(Court.name == data["court"])) is None


def test_new_events_are_appended_and_checked_against_the_stored_ones(make):
    admin = make.admin()
    data = example("in_inquiry_extension.json")
    import_case_file(admin, data)
    db.session.commit()
    # A second release while free contradicts the stored timeline: named by its index in the file.
    data["events"].append({"type": "released", "at": "2026-02-03T10:00:00+05:30", "kind": "bail"})
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(admin, data)
    assert list(caught.value.as_dict()) == ["events.3.type"]
    assert row_counts() == before

    data["events"][3] = {"type": "hearing_held", "at": "2026-02-10T10:00:00+05:30"}
    result = import_case_file_detailed(admin, data)
    assert result.events_added == 1 and result.skipped_events == [0, 1, 2]
    assert [e.type for e in result.case.events][-1] == "hearing_held"


def test_same_event_with_other_details_is_a_conflict(make):
    admin = make.admin()
    data = example("in_inquiry_extension.json")
    import_case_file(admin, data)
    db.session.commit()
    data["events"][2]["kind"] = "unconditional"
    with pytest.raises(Conflict) as caught:
        import_case_file(admin, data)
    assert caught.value.message.startswith("events.2:")


def test_a_corrected_event_is_not_brought_back_by_an_old_file(make):
    admin = make.admin()
    data = example("in_inquiry_extension.json")
    case, _ = import_case_file(admin, data)
    db.session.commit()
    released = case.events[2]
    services.correct_event(admin, case, released, reason="recorded twice", void=True, expected_version=case.version)
    db.session.commit()
    result = import_case_file_detailed(admin, data)
    assert result.events_added == 0
    assert "released" not in [e["type"] for e in export_case_file(result.case)["events"]]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["child"].update(family_name="Other"), "family_name"),
        (lambda d: d["child"].update(sex="M"), "sex"),
        (lambda d: d.update(offences=[{"description": "robbery", "max_penalty_years": 10}]), "offences"),
        (lambda d: d.update(police_reference="PR-9"), None),
    ],
)
def test_a_file_contradicting_the_stored_case(make, change, words):
    admin = make.admin()
    data = example("in_inquiry_extension.json")
    import_case_file(admin, data)
    db.session.commit()
    change(data)
    if words is None:  # a reference the stored case lacks is a difference too
        with pytest.raises(Conflict, match="police_reference"):
            import_case_file(admin, data)
        return
    with pytest.raises(Conflict) as caught:
        import_case_file(admin, data)
    assert words in caught.value.message
    assert "Other" not in caught.value.message


def test_lawyers_are_linked_by_email_and_added_on_reimport(make):
    admin = make.admin()
    first, second = make.user(Role.LAWYER), make.user(Role.LAWYER)
    data = example("in_inquiry_extension.json") | {"lawyers": [first.email.upper()]}
    case, _ = import_case_file(admin, data)
    assert case.lawyer_ids() == {first.id}
    data["lawyers"].append(second.email)
    result = import_case_file_detailed(admin, data)
    assert result.lawyers_added == 1 and result.case.lawyer_ids() == {first.id, second.id}
    clerk = make.user(Role.CLERK)
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(admin, example("br_presentation_and_internment.json") | {"lawyers": [clerk.email]})
    assert list(caught.value.as_dict()) == ["lawyers.0"]


def test_clerks_import_only_into_their_court_and_others_not_at_all(make):
    court = make.court("BR", name="Vara da Infância e Juventude — exemplo")
    clerk = make.user(Role.CLERK, court=court)
    case, created = import_case_file(clerk, example("br_presentation_and_internment.json"))
    assert created and case.court_id == court.id
    other_clerk = make.user(Role.CLERK, court=make.court("BR"))
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(other_clerk, example("br_presentation_and_internment.json"))
    assert "court" in caught.value.as_dict()
    with pytest.raises(Forbidden):
        import_case_file(make.user(Role.LAWYER), example("br_presentation_and_internment.json"))


def test_export_writes_effective_events_in_local_offsets(make):
    admin = make.admin()
    data = example("br_presentation_and_internment.json")
    case, _ = import_case_file(admin, data)
    exported = export_case_file(case)
    assert exported["events"] == data["events"]
    assert exported["child"] | {"languages": []} == data["child"] | {"languages": []}
    assert exported["offences"] == data["offences"]
    assert "expect" not in exported and "court_time_zone" not in exported
    # Export → import into another court gives the same case.
    copy, created = import_case_file(admin, exported | {"court": "Another court"})
    assert created and copy.id != case.id
    assert export_case_file(copy) == exported | {"court": "Another court"}


def test_file_names_come_from_the_reference_only(make):
    case = make.case(reference="../2026/ÉX 1:ab")
    assert file_name(case) == "2026_X_1_ab.json"
    assert case.child.family_name not in file_name(case)
    blank = make.case(reference="///")
    assert file_name(blank) == f"case-{blank.id}.json"
    db.session.expire_all()
    assert db.session.get(Case, case.id).reference == "../2026/ÉX 1:ab"


def test_a_stored_event_contradicted_by_a_new_one_is_named_by_its_place_in_the_file(make):
    admin = make.admin()
    data = example("intl_late_first_appearance.json")
    data["events"][1]["authority"] = "Youth court"
    import_case_file(admin, data)
    db.session.commit()
    # A release before the first appearance makes the stored release (events.2) one without custody.
    data["events"].append({"type": "released", "at": "2026-04-04T08:00:00+00:00", "kind": "bail"})
    with pytest.raises(ValidationFailed) as caught:
        import_case_file(admin, data)
    assert "events.2.type" in caught.value.as_dict()
