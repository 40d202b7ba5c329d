"""The case with 60 events that the page and document benchmarks time."""

from __future__ import annotations

from datetime import datetime, timedelta


def sixty_events(now: datetime) -> list[dict]:
    """The timeline of a long case in pre-trial detention: 60 events over 200 days before `now`."""
    start = now - timedelta(days=200)
    h = timedelta(hours=1)
    items = [
        ("apprehended", start, {"facility": "Bench Police Station", "separated_from_adults": True}),
        ("parent_notified", start + h, {"who": "mother"}),
        ("lawyer_assigned", start + 2 * h, {"lawyer": "Bench Lawyer", "legal_aid": True}),
        ("brought_before_authority", start + 20 * h, {"authority": "Youth Court"}),
        ("diversion_considered", start + 21 * h, {"outcome": "not_diverted", "reasons": "Benchmark reasons"}),
        (
            "pretrial_detention_ordered",
            start + 22 * h,
            {"facility": "Bench Secure Home", "separated_from_adults": True},
        ),
    ]
    for n in range(18):
        day = start + timedelta(days=10 * (n + 1))
        items += [
            ("detention_reviewed", day, {"outcome": "continued", "authority": "Youth Court", "note": "x " * 40}),
            ("hearing_scheduled", day + h, {"hearing_at": (day + timedelta(days=5)).isoformat(), "purpose": "trial"}),
            ("hearing_adjourned", day + timedelta(days=5), {"reason": "Witness unavailable " * 3}),
        ]
    assert len(items) == 60
    return [{"type": t, "at": at, "details": d} for t, at, d in items]
