"""Services store a case with events and derive its custody state."""

from datetime import UTC, datetime

from justice_tracker.cases.models import CaseStatus


def test_case_with_events_derives_custody(make):
    case = make.case(
        events=[
            ("apprehended", datetime(2026, 5, 1, 10, tzinfo=UTC), {}),
            ("pretrial_detention_ordered", datetime(2026, 5, 2, 10, tzinfo=UTC), {"facility": "Unit A"}),
        ]
    )
    assert [e.type for e in case.events] == ["apprehended", "pretrial_detention_ordered"]
    assert case.custody_state == "pretrial_detention"
    assert case.custody_since == datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert case.status == CaseStatus.OPEN


def test_a_referral_step_on_the_timeline_cannot_be_corrected_there(make):
    import pytest

    from justice_tracker.cases import services
    from justice_tracker.errors import ValidationFailed

    case = make.case(
        events=[
            ("apprehended", datetime(2026, 5, 1, 10, tzinfo=UTC), {}),
            ("referral_updated", datetime(2026, 5, 2, 10, tzinfo=UTC), {"programme": "Mentoring", "state": "offered"}),
        ]
    )
    step = case.events[-1]
    with pytest.raises(ValidationFailed) as refused:
        services.correct_event(make.admin(), case, step, reason="typo", void=True, expected_version=None)
    assert "referral" in refused.value.as_dict()["corrects"][0]
