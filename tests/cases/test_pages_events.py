"""Recording every kind of event through the form, local times, corrections and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.cases import services
from justice_tracker.cases.models import Case, Event
from justice_tracker.db import db
from justice_tracker.timeline.vocabulary import EVENT_TYPES
from tests.cases.test_pages_support import SUMMER, audits, count, form_version, post, post_event, text

MAY10 = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
MAY12 = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
APPREHENDED = ("apprehended", MAY10, {"facility": "Central station"})
INDICTABLE = {"description": "robbery", "max_penalty_years": 14.0, "offence_class": "indictable"}
PRETRIAL = ("pretrial_detention_ordered", MAY12, {"facility": "Youth unit"})
RESPONSIBLE = ("adjudicated", MAY12, {"finding": "responsible"})
APPEAL = ("appeal_filed", MAY12, {"by": "child"})
# Detention is a last resort: recorded through the form, it needs alternatives considered first.
CONSIDERED = ("diversion_considered", MAY10, {"outcome": "not_diverted", "reasons": "No programme fits"})

# type → (prior timeline, what the clerk types, what is stored)
VALID: dict[str, tuple[list[tuple[str, datetime, dict[str, Any]]], dict[str, Any], dict[str, Any]]] = {
    "apprehended": (
        [],
        {"facility": "Central station", "separated_from_adults": "true", "by": "City police", "note": "At night"},
        {"facility": "Central station", "separated_from_adults": True, "by": "City police", "note": "At night"},
    ),
    "parent_notified": ([APPREHENDED], {"who": "Mother", "by": "PC 12"}, {"who": "Mother", "by": "PC 12"}),
    "lawyer_assigned": (
        [],
        {"lawyer": "Duty solicitor", "legal_aid": "true"},
        {"lawyer": "Duty solicitor", "legal_aid": True},
    ),
    "social_worker_notified": ([APPREHENDED], {"who": "Youth offending team"}, {"who": "Youth offending team"}),
    "brought_before_authority": ([APPREHENDED], {"authority": "Youth court"}, {"authority": "Youth court"}),
    "custody_extended": (
        [APPREHENDED],
        {"legal_basis": "PACE s.43", "authority": "Magistrates", "extension_hours": "12", "extension_days": ""},
        {"legal_basis": "PACE s.43", "authority": "Magistrates", "extension_hours": 12},
    ),
    "limit_extended": (
        [APPREHENDED],
        {"rule": "gb-pace-41-detention-without-charge-24h", "legal_basis": "PACE s.42", "extension_hours": "12"},
        {"rule": "gb-pace-41-detention-without-charge-24h", "legal_basis": "PACE s.42", "extension_hours": 12},
    ),
    "released": ([APPREHENDED], {"kind": "to_parents"}, {"kind": "to_parents"}),
    "diversion_considered": (
        [],
        {"outcome": "not_diverted", "reasons": "Refused by the child\r\nafter advice"},
        {"outcome": "not_diverted", "reasons": "Refused by the child\nafter advice"},
    ),
    "charged": ([], {"authority": "Crown Prosecution Service"}, {"authority": "Crown Prosecution Service"}),
    "pretrial_detention_ordered": (
        [APPREHENDED, CONSIDERED],
        {"facility": "Youth unit", "separated_from_adults": "true", "authority": "Judge", "legal_basis": "BA 1976"},
        {"facility": "Youth unit", "separated_from_adults": True, "authority": "Judge", "legal_basis": "BA 1976"},
    ),
    "detention_reviewed": ([APPREHENDED, PRETRIAL], {"outcome": "continued"}, {"outcome": "continued"}),
    "transferred": (
        [APPREHENDED],
        {"facility": "Unit B", "separated_from_adults": "false"},
        {"facility": "Unit B", "separated_from_adults": False},
    ),
    "hearing_scheduled": (
        [],
        {"hearing_at": "2026-06-10T14:30", "purpose": "trial"},
        {"hearing_at": "2026-06-10T13:30:00Z", "purpose": "trial"},
    ),
    "hearing_held": ([], {"purpose": "first_appearance"}, {"purpose": "first_appearance"}),
    "hearing_adjourned": ([], {"reason": "No interpreter"}, {"reason": "No interpreter"}),
    "child_heard": (
        [],
        {"present": ["lawyer", "parent"], "language": "English", "information_understood": "true"},
        {"present": ["lawyer", "parent"], "language": "English", "information_understood": True},
    ),
    "adjudicated": ([], {"finding": "responsible"}, {"finding": "responsible"}),
    "proceedings_terminated": ([], {"ground": "withdrawn"}, {"ground": "withdrawn"}),
    "sentenced": (
        [CONSIDERED, RESPONSIBLE],
        {"custodial": "true", "measure": "Detention and training order", "length_days": "120", "facility": "YOI"},
        {"custodial": True, "measure": "Detention and training order", "length_days": 120, "facility": "YOI"},
    ),
    "appeal_filed": ([], {"by": "prosecution"}, {"by": "prosecution"}),
    "appeal_decided": ([APPEAL], {"outcome": "dismissed"}, {"outcome": "dismissed"}),
    "aftercare_started": ([], {"provider": "Youth service"}, {"provider": "Youth service"}),
    "case_closed": ([], {"note": "All done"}, {"note": "All done"}),
    "referral_updated": (
        [],
        {"programme": "Mentoring outside the registry", "state": "suggested", "reason": ""},
        {"programme": "Mentoring outside the registry", "state": "suggested"},
    ),
}


@pytest.fixture()
def court(make):
    return make.court("GB-EAW")


@pytest.fixture()
def clerk(make, court):
    return make.user(Role.CLERK, court=court)


def _events(case_id: int) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)))


def _case(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def test_the_table_covers_the_whole_vocabulary():
    assert set(VALID) == set(EVENT_TYPES)


@pytest.mark.parametrize("type_name", sorted(VALID))
def test_each_kind_of_event_is_recorded_through_the_form(make, client_for, court, clerk, type_name):
    prior, typed, stored = VALID[type_name]
    # An indictable offence, so that PACE s. 42 allows the extension `limit_extended` asks for.
    case = make.case(court=court, events=prior, offences=[INDICTABLE])
    client = client_for(clerk)
    response = post_event(client, case.id, type_name, "2026-05-20T10:00", typed)
    assert response.status_code == 302, text(response)
    event = _events(case.id)[-1]
    assert response.headers["Location"].endswith(f"/cases/{case.id}#event-{event.seq}")
    assert (event.type, event.at, event.details) == (type_name, SUMMER, stored)
    assert event.recorded_by_id == clerk.id
    after = _case(case.id)
    expected_custody = {
        "apprehended": "police_custody",
        "released": None,
        "pretrial_detention_ordered": "pretrial_detention",
        "sentenced": "sentenced_custody",
    }
    if type_name in expected_custody:
        assert after.custody_state == expected_custody[type_name]
    assert after.status == ("closed" if type_name == "case_closed" else "open")
    page = client.get(f"/cases/{case.id}")
    assert f'id="event-{event.seq}"' in text(page)


def test_the_form_offers_every_type_and_builds_fields_from_the_vocabulary(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    chooser = text(client.get(f"/cases/{case.id}/events/new"))
    for name in EVENT_TYPES:
        assert f'value="{name}"' in chooser
    html = text(client.get(f"/cases/{case.id}/events/new?type=child_heard"))
    assert 'type="datetime-local"' in html and "Europe/London" in html
    assert 'type="checkbox"' in html and 'name="details-present"' in html and 'value="interpreter"' in html
    assert 'name="details-information_understood" type="radio"' in html
    html = text(client.get(f"/cases/{case.id}/events/new?type=sentenced"))
    assert 'name="details-length_days"' in html and 'type="number"' in html
    response = client.get(f"/cases/{case.id}/events/new?type=no_such_type")
    assert response.status_code == 400 and "Choose a type of event" in text(response)


def test_local_time_in_london_summer_is_stored_in_utc(make, client_for, court, clerk):
    case = make.case(court=court)
    response = post_event(client_for(clerk), case.id, "charged", "2026-05-20T10:00")
    assert response.status_code == 302
    assert _events(case.id)[-1].at == datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def test_local_time_follows_the_courts_own_zone(make, client_for):
    court = make.court("BR", time_zone="America/Manaus")
    case = make.case(court=court)
    response = post_event(client_for(make.user(Role.CLERK, court=court)), case.id, "charged", "2026-05-20T10:00")
    assert response.status_code == 302
    assert _events(case.id)[-1].at == datetime(2026, 5, 20, 14, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clocks_is_refused_until_an_offset_is_given(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    response = post_event(client, case.id, "charged", "2026-03-29T01:30", {"authority": "CPS"})
    assert response.status_code == 422
    html = text(response)
    assert "does not exist in Europe/London" in html and "UTC offset" in html
    assert 'value="2026-03-29T01:30"' in html and 'value="CPS"' in html
    assert _events(case.id) == []

    response = post_event(client, case.id, "charged", "2026-03-29T01:30", {"authority": "CPS"}, offset="+00:00")
    assert response.status_code == 302
    assert _events(case.id)[-1].at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_shown_twice_is_refused_and_the_offset_chooses(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    response = post_event(client, case.id, "charged", "2025-10-26T01:30")
    assert response.status_code == 422
    assert "happened twice" in text(response) and "+01:00" in text(response) and "+00:00" in text(response)
    response = post_event(client, case.id, "charged", "2025-10-26T01:30", offset="+01:00")
    assert response.status_code == 302
    assert _events(case.id)[-1].at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    response = post_event(client, case.id, "charged", "2025-10-26T01:30", offset="bogus")
    assert response.status_code == 422 and "+HH:MM" in text(response)


def test_an_instant_detail_is_checked_for_daylight_saving_too(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    typed = {"hearing_at": "2026-03-29T01:30"}
    response = post_event(client, case.id, "hearing_scheduled", "2026-03-01T10:00", typed)
    assert response.status_code == 422
    assert 'id="details-hearing_at-error"' in text(response) and "does not exist" in text(response)
    typed["hearing_at__offset"] = "+01:00"
    assert post_event(client, case.id, "hearing_scheduled", "2026-03-01T10:00", typed).status_code == 302
    assert _events(case.id)[-1].details["hearing_at"] == "2026-03-29T00:30:00Z"


def test_bad_input_keeps_the_form_values_and_changes_nothing(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED])
    client = client_for(clerk)
    before_events, before_version = count(Event), _case(case.id).version
    typed = {"facility": "Keep me", "separated_from_adults": "maybe", "note": "x" * 2001}
    response = post_event(client, case.id, "transferred", "not a date", typed)
    assert response.status_code == 422
    html = text(response)
    assert 'value="not a date"' in html and 'value="Keep me"' in html
    assert "Give a date and time" in html
    assert count(Event) == before_events and _case(case.id).version == before_version

    # The form is fine, the details are not: the service's messages sit next to their fields.
    response = post_event(client, case.id, "transferred", "2026-05-20T10:00", typed)
    assert response.status_code == 422
    html = text(response)
    assert 'id="details-separated_from_adults-error"' in html and 'id="details-note-error"' in html
    assert 'href="#details-note"' in html
    assert count(Event) == before_events and _case(case.id).version == before_version
    assert audits("event_rejected", case.id)[-1].outcome == "failure"


def test_a_release_without_custody_is_refused_with_a_clear_message(make, client_for, court, clerk):
    case = make.case(court=court)
    response = post_event(client_for(clerk), case.id, "released", "2026-05-20T10:00", {"kind": "bail"})
    assert response.status_code == 422
    assert "not in custody" in text(response)
    assert _events(case.id) == []


def test_a_conflict_with_a_stored_event_names_and_links_that_event(make, client_for, court, clerk):
    released = ("released", MAY12, {"kind": "bail"})
    case = make.case(court=court, events=[APPREHENDED, released])
    response = post_event(client_for(clerk), case.id, "released", "2026-05-11T10:00", {"kind": "to_parents"})
    assert response.status_code == 422
    html = text(response)
    assert "Recorded event #2" in html
    assert f'href="/cases/{case.id}#event-2"' in html
    assert len(_events(case.id)) == 2


def test_recording_from_a_stale_version_answers_409_keeps_input_and_then_succeeds(make, client_for, court, clerk):
    case = make.case(court=court)
    client = client_for(clerk)
    stale = form_version(text(client.get(f"/cases/{case.id}/events/new?type=charged")))
    other = client_for(make.user(Role.CLERK, court=court))
    assert post_event(other, case.id, "hearing_held", "2026-05-19T10:00").status_code == 302

    response = post_event(client, case.id, "charged", "2026-05-20T10:00", {"authority": "CPS"}, version=stale)
    assert response.status_code == 409
    html = text(response)
    assert "changed by someone else" in html.lower() and 'value="CPS"' in html
    assert [e.type for e in _events(case.id)] == ["hearing_held"]
    fresh = form_version(html)
    assert fresh == str(_case(case.id).version)
    assert (
        post_event(client, case.id, "charged", "2026-05-20T10:00", {"authority": "CPS"}, version=fresh).status_code
        == 302
    )
    assert [e.type for e in _events(case.id)] == ["hearing_held", "charged"]


def test_an_unreadable_version_is_a_conflict_never_a_silent_save(make, client_for, court, clerk):
    case = make.case(court=court)
    response = post_event(client_for(clerk), case.id, "charged", "2026-05-20T10:00", version="'; DROP TABLE events")
    assert response.status_code == 409
    assert _events(case.id) == []


# -- corrections ----------------------------------------------------------------------------------------------


def test_correcting_an_event_keeps_the_original_visible(make, client_for, court, clerk):
    wrong = ("apprehended", MAY10, {"facility": "Wrong station", "separated_from_adults": True})
    case = make.case(court=court, events=[wrong])
    original = _events(case.id)[0]
    client = client_for(clerk)
    url = f"/cases/{case.id}/events/{original.id}/correct"
    form = text(client.get(url))
    assert 'value="Wrong station"' in form and 'value="2026-05-10T10:00"' in form
    assert 'value="true" checked' in form or 'checked id="details-separated_from_adults-0"' in form
    version = form_version(form)

    data = {
        "mode": "replace",
        "reason": "The custody record names another station.",
        "at": "2026-05-10T10:00",
        "utc_offset": "",
        "version": version,
        "details-facility": "Right station",
        "details-separated_from_adults": "true",
    }
    response = post(client, url, data)
    assert response.status_code == 302, text(response)
    rows = _events(case.id)
    assert len(rows) == 2
    first, correction = rows
    assert first.details["facility"] == "Wrong station", "the original is never edited"
    assert (correction.corrects_id, correction.voids, correction.at) == (first.id, False, first.at)
    assert correction.details == {"facility": "Right station", "separated_from_adults": True}
    assert correction.correction_reason == "The custody record names another station."
    assert response.headers["Location"].endswith(f"#event-{correction.seq}")

    page = text(client.get(f"/cases/{case.id}"))
    assert 'id="event-1" class="superseded"' in page and "Wrong station" in page
    assert "Corrected on" in page and 'href="#event-2"' in page
    assert 'id="event-2" class="effective"' in page and "Right station" in page
    assert page.count('/correct"') == 1, "only the standing entry can be corrected"

    # The original cannot be corrected twice.
    again = client.get(url)
    assert again.status_code == 409 and "already been corrected" in text(again)


def test_voiding_an_event_removes_its_custody_and_keeps_it_greyed(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED])
    assert _case(case.id).custody_state == "police_custody"
    original = _events(case.id)[0]
    client = client_for(clerk)
    url = f"/cases/{case.id}/events/{original.id}/correct"
    version = form_version(text(client.get(url)))
    # Whatever is in the value fields is ignored when voiding.
    data = {"mode": "void", "reason": "Wrong child", "at": "garbage", "version": version}
    response = post(client, url, data)
    assert response.status_code == 302, text(response)
    rows = _events(case.id)
    assert rows[-1].voids is True and rows[-1].corrects_id == original.id
    assert _case(case.id).custody_state is None
    page = text(client.get(f"/cases/{case.id}"))
    assert "Voided as recorded in error" in page and "Wrong child" in page and "Central station" in page
    assert "Not in custody" in page


def test_a_correction_needs_a_reason_and_a_change(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED])
    original = _events(case.id)[0]
    client = client_for(clerk)
    url = f"/cases/{case.id}/events/{original.id}/correct"
    version = form_version(text(client.get(url)))
    base = {"mode": "replace", "at": "2026-05-10T10:00", "version": version, "details-facility": "Central station"}
    response = post(client, url, base | {"reason": "  "})
    assert response.status_code == 422 and "Say why the event is corrected." in text(response)
    response = post(client, url, base | {"reason": "no real change"})
    assert response.status_code == 422 and "same as the original" in text(response)
    assert len(_events(case.id)) == 1


def test_a_correction_can_change_the_type_and_time(make, client_for, court, clerk):
    case = make.case(court=court, events=[("charged", MAY10, {})])
    original = _events(case.id)[0]
    client = client_for(clerk)
    url = f"/cases/{case.id}/events/{original.id}/correct?type=hearing_held"
    form = text(client.get(url))
    assert 'name="details-purpose"' in form
    data = {"mode": "replace", "reason": "It was a hearing", "at": "2026-05-10T11:00", "version": form_version(form)}
    response = post(client, url, data | {"details-purpose": "bail"})
    assert response.status_code == 302
    correction = _events(case.id)[-1]
    assert (correction.type, correction.at, correction.details) == (
        "hearing_held",
        datetime(2026, 5, 10, 10, 0, tzinfo=UTC),
        {"purpose": "bail"},
    )


def test_correction_from_a_stale_version_answers_409(make, client_for, court, clerk):
    case = make.case(court=court, events=[APPREHENDED])
    original = _events(case.id)[0]
    client = client_for(clerk)
    url = f"/cases/{case.id}/events/{original.id}/correct"
    stale = form_version(text(client.get(url)))
    admin = make.admin()
    services.record_event(admin, _case(case.id), type="charged", at=MAY12, details={}, expected_version=None)
    db.session.commit()
    data = {"mode": "void", "reason": "Wrong", "version": stale}
    response = post(client, url, data)
    assert response.status_code == 409 and 'value="Wrong"' not in text(response)
    assert "Wrong</textarea>" in text(response)
    assert not any(e.corrects_id for e in _events(case.id))


def test_lawyers_and_other_courts_cannot_record_or_correct(make, client_for, court):
    lawyer = make.user(Role.LAWYER)
    case = make.case(court=court, lawyers=[lawyer], events=[APPREHENDED])
    event = _events(case.id)[0]
    urls = [f"/cases/{case.id}/events/new", f"/cases/{case.id}/events/new?type=charged"]
    urls.append(f"/cases/{case.id}/events/{event.id}/correct")
    for user in (lawyer, make.user(Role.CLERK)):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
        assert post(client, urls[1], {"at": "2026-05-20T10:00", "version": "1"}).status_code == 403
    assert len(_events(case.id)) == 1
    assert client_for(lawyer).get(f"/cases/{case.id}/events/999999/correct").status_code == 403


@pytest.mark.parametrize(
    ("at", "offset"),
    [("9999-12-31T23:59", "-05:00"), ("0001-01-01T00:00", ""), ("2026-05-20T10:00", "+15:00"), ("2026-05-20", "")],
)
def test_out_of_range_instants_are_refused_never_a_500(make, client_for, court, clerk, at, offset):
    case = make.case(court=court)
    response = post_event(client_for(clerk), case.id, "charged", at, offset=offset)
    assert response.status_code == 422
    assert _events(case.id) == []
