"""The case page: detention clock, custody episodes, as_of reconstruction, lawyers, and audit of every page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case, CaseLawyer, Event
from justice_tracker.db import db
from tests.cases.test_pages_support import audits, count, form_version, post, text

APPREHENDED = (
    "apprehended",
    datetime(2026, 5, 1, 10, tzinfo=UTC),
    {"facility": "Station A", "separated_from_adults": True},
)
DETAINED = (
    "pretrial_detention_ordered",
    datetime(2026, 5, 2, 10, tzinfo=UTC),
    {"facility": "Unit A", "separated_from_adults": False},
)
RELEASED = ("released", datetime(2026, 5, 10, 10, tzinfo=UTC), {"kind": "bail"})


@pytest.fixture()
def court(make):
    return make.court("GB-EAW", name="Camberwell youth court")


@pytest.fixture()
def clerk(make, court):
    return make.user(Role.CLERK, court=court)


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_case_page_shows_header_clock_episodes_offences_and_references(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED, DETAINED], police_reference="MPS-9")
    html = text(client_for(clerk).get(f"/cases/{case.id}"))
    assert case.reference in html and case.child.display_name in html and case.child.pseudonym in html
    assert "England and Wales" in html and "Camberwell youth court" in html and "Europe/London" in html
    assert "MPS-9" in html and "theft" in html
    clock = _section(html, "clock-heading")
    assert "Pre-trial detention" in clock
    assert "since 2026-05-01 11:00 BST" in clock, "the unbroken run starts with the police custody"
    assert "31 days 2 h" in clock
    episodes = _section(html, "custody-heading")
    assert episodes.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 2
    assert "Police custody" in episodes and "Station A" in episodes and "1 day 0 h 00 min" in episodes
    assert "Unit A" in episodes and ">no<" in episodes and "ongoing" in episodes and "30 days 2 h 00 min" in episodes
    assert "31 days 2 h 00 min" in episodes.split("<tfoot>")[1]
    timeline = _section(html, "timeline-heading")
    assert timeline.index("Apprehended") < timeline.index("Pre-trial detention ordered")


def test_as_of_reconstructs_a_past_day(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED, DETAINED, RELEASED])
    client = client_for(clerk)
    now = text(client.get(f"/cases/{case.id}"))
    assert "Not in custody" in _section(now, "clock-heading")
    assert "9 days 0 h 00 min" in _section(now, "custody-heading")

    past = text(client.get(f"/cases/{case.id}?as_of=2026-05-05T12:00:00Z"))
    assert "as it stood at 2026-05-05 13:00 BST" in past
    assert "4 days 2 h" in _section(past, "clock-heading")
    assert "Released" not in _section(past, "timeline-heading")
    assert "ongoing" in _section(past, "custody-heading")
    assert "Correct this entry" not in past and "Record an event" not in past, "history is read-only"

    # A date alone means the end of that day in the court's zone (23:59:59 BST = 22:59:59 UTC).
    day = text(client.get(f"/cases/{case.id}?as_of=2026-05-05"))
    assert "4 days 12 h" in _section(day, "clock-heading")
    # A local time without an offset is read in the court's zone.
    local = text(client.get(f"/cases/{case.id}?as_of=2026-05-01T12:00"))
    assert "0 days 1 h" in _section(local, "clock-heading") and "Police custody" in _section(local, "clock-heading")
    entry = audits("case_viewed", case.id)[-1]
    assert "as_of=2026-05-01T11:00:00Z" in entry.detail


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-05-05T25:00", "x" * 100, "2026-03-29T01:30"])
def test_invalid_as_of_is_400_with_a_clear_message(make, client_for, court, clerk, value):
    case = make.case(court=court)
    response = client_for(clerk).get(f"/cases/{case.id}", query_string={"as_of": value})
    assert response.status_code == 400
    assert "as_of" in text(response)


def test_as_of_in_the_future_is_refused(make, client_for, court, clerk):
    case = make.case(court=court)
    response = client_for(clerk).get(f"/cases/{case.id}?as_of=2027-01-01T00:00Z")
    assert response.status_code == 400 and "future" in text(response)


def test_clerk_assigns_and_removes_a_lawyer_with_the_version(make, client_for, court, clerk):
    lawyer = make.user(Role.LAWYER)
    case = make.case(court=court)
    client = client_for(clerk)
    page = text(client.get(f"/cases/{case.id}"))
    assert lawyer.display_name in page
    version = form_version(page)
    response = post(client, f"/cases/{case.id}/lawyers", {"lawyer_id": str(lawyer.id), "version": version})
    assert response.status_code == 302
    assert count(CaseLawyer, CaseLawyer.case_id == case.id) == 1
    assert client_for(lawyer).get(f"/cases/{case.id}").status_code == 200

    # A removal from the page as it was before the assignment is refused.
    response = post(client, f"/cases/{case.id}/lawyers/{lawyer.id}/remove", {"version": version})
    assert response.status_code == 409 and "changed by someone else" in text(response).lower()
    assert count(CaseLawyer, CaseLawyer.case_id == case.id) == 1

    db.session.expire_all()
    current = str(db.session.get(Case, case.id).version)
    response = post(client, f"/cases/{case.id}/lawyers/{lawyer.id}/remove", {"version": current})
    assert response.status_code == 302
    assert count(CaseLawyer, CaseLawyer.case_id == case.id) == 0
    assert client_for(lawyer).get(f"/cases/{case.id}").status_code == 403

    response = post(client, f"/cases/{case.id}/lawyers", {"lawyer_id": "not-a-number", "version": current})
    assert response.status_code == 422


def test_lawyer_reads_but_cannot_change_lawyers(make, client_for, court):
    lawyer = make.user(Role.LAWYER)
    case = make.case(court=court, lawyers=[lawyer])
    client = client_for(lawyer)
    page = text(client.get(f"/cases/{case.id}"))
    assert "Assign a lawyer" not in page and "Remove" not in page and "Record an event" not in page
    response = post(client, f"/cases/{case.id}/lawyers/{lawyer.id}/remove", {"version": "1"})
    assert response.status_code == 403
    assert count(CaseLawyer, CaseLawyer.case_id == case.id) == 1


def test_every_page_writes_one_audit_row_without_identity(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED])
    event = db.session.scalars(select(Event).where(Event.case_id == case.id)).one()
    child = case.child
    client = client_for(clerk)
    client.get("/cases")  # the CSRF token and session are set up before counting
    pages = {
        "/cases": ("case_list_viewed", None),
        f"/children/{child.id}": ("child_viewed", child.id),
        f"/children/{child.id}/edit": ("child_viewed", child.id),
        f"/children/{child.id}/cases/new": ("child_viewed", child.id),
        f"/cases/{case.id}": ("case_viewed", case.id),
        f"/cases/{case.id}?as_of=2026-05-02": ("case_viewed", case.id),
        f"/cases/{case.id}/events/new": ("case_viewed", case.id),
        f"/cases/{case.id}/events/new?type=released": ("case_viewed", case.id),
        f"/cases/{case.id}/events/{event.id}/correct": ("case_viewed", case.id),
    }
    for url, (action, object_id) in pages.items():
        before = count(AuditEntry)
        assert client.get(url).status_code == 200, url
        assert count(AuditEntry) == before + 1, url
        entry = audits()[-1]
        assert (entry.action, entry.actor_id, entry.actor_role) == (action, clerk.id, "clerk"), url
        assert entry.object_id == (str(object_id) if object_id else None), url
        for secret in (child.given_name, child.family_name, "2010-05-14", "theft"):
            assert secret not in (entry.detail or ""), url


def test_ids_out_of_any_integer_range_are_not_found(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    huge = "99999999999999999999"
    for url in (f"/cases/{huge}", f"/children/{huge}", f"/cases/{case.id}/events/{huge}/correct", "/cases/0"):
        assert client.get(url).status_code == 404, url
    response = client.get(f"/cases/{case.id}?as_of=9999-12-31T23:59-05:00")
    assert response.status_code == 400
