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
