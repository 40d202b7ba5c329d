"""The deadline board: a clerk's court, a lawyer's clients, or everything; filters, pages, as_of, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from tests.cases.test_pages_support import audits, text
from tests.conftest import REAL_NOW
from tests.deadlines.test_pages_case_deadlines import br_detained

ART_108_TITLE = "Provisional internment (before sentence) at most 45 days, not extendable"
ART_175_TITLE = "Apprehended adolescent not released is presented to the Ministério Público within 24 hours"
INTL_TITLE = "Brought before a competent authority within 24 hours of deprivation of liberty"


def attention(html: str) -> str:
    start = html.index('id="attention"')
    return html[start : html.index("</section>", start)]


def custody(html: str) -> str:
    start = html.index('id="in-custody"')
    return html[start : html.index("</section>", start)]


def rows(part: str) -> list[str]:
    body = part.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in part else ""
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)


def row_for(part: str, title: str) -> str:
    found = [row for row in rows(part) if title in row]
    assert len(found) == 1, f"{len(found)} rows with {title!r}"
    return found[0]


@pytest.fixture()
def world(make):
    """Two Brazilian courts, an international one, two lawyers, and cases in each."""
    sp = make.court("BR", name="Vara de São Paulo", time_zone="America/Sao_Paulo")
    rio = make.court("BR", name="Vara do Rio", time_zone="America/Sao_Paulo")
    intl = make.court("INTL", name="International court")
    lawyer = make.user(Role.LAWYER)
    other_lawyer = make.user(Role.LAWYER)
    detained = make.case(court=sp, lawyers=[lawyer], events=br_detained(50), reference="SP-DETAINED")
    # Apprehended 2 h ago: the 24 h presentation (binding) is pending, at risk from 18 h.
    fresh = make.case(
        court=sp,
        lawyers=[other_lawyer],
        events=[("apprehended", REAL_NOW - timedelta(hours=2), {"facility": "Delegacia 4"})],
        reference="SP-FRESH",
    )
    elsewhere = make.case(court=rio, events=br_detained(48), reference="RIO-DETAINED")
    advisory = make.case(
        court=intl,
        lawyers=[lawyer],
        events=[("apprehended", REAL_NOW - timedelta(hours=20), {"facility": "Station"})],
        reference="INTL-ADVISORY",
    )
    return {
        "sp": sp,
        "rio": rio,
        "intl": intl,
        "clerk": make.user(Role.CLERK, court=sp),
        "rio_clerk": make.user(Role.CLERK, court=rio),
        "intl_clerk": make.user(Role.CLERK, court=intl),
        "lawyer": lawyer,
        "other_lawyer": other_lawyer,
        "detained": detained,
        "fresh": fresh,
        "elsewhere": elsewhere,
        "advisory": advisory,
    }


def test_the_clerk_sees_the_art_108_breach_with_its_citation(client_for, world):
    html = text(client_for(world["clerk"]).get("/board"))
    row = row_for(attention(html), ART_108_TITLE)
    case = world["detained"]
    assert f'<a href="/cases/{case.id}#deadlines">SP-DETAINED</a>' in row
    assert case.child.pseudonym in row and case.child.display_name in row
    assert 'href="https://www.planalto.gov.br/ccivil_03/leis/l8069.htm" rel="noopener noreferrer"' in row
    assert "ECA (Lei 8.069/1990) art. 108" in row
    assert '<span class="badge status-badge status-breached">Breached</span>' in row
    assert "end of 2026-05-27" in row and "2026-05-27 23:59 -03" in row
    assert "overdue by 4 days 9 h 00 min" in row
    assert '<span class="badge marker-binding">Binding</span>' in row

    part = attention(html)
    assert "RIO-DETAINED" not in part and "INTL-ADVISORY" not in part, "another court's cases"
    assert "SP-FRESH" not in part, "a pending limit far from its due time is not on the board"


def test_breaches_are_listed_most_urgent_first(client_for, make, world, clock):
    clock.now = REAL_NOW + timedelta(hours=23)
    listed = rows(attention(text(client_for(make.admin()).get("/board?jurisdiction=BR"))))
    references = [re.search(r">([A-Z]+-[A-Z]+)</a>", row).group(1) for row in listed]
    # Interned 50 days ago (due end of 27 May), 48 days ago (end of 29 May), apprehended 25 h ago (due 1 h ago).
    assert references == ["SP-DETAINED", "SP-DETAINED", "RIO-DETAINED", "RIO-DETAINED", "SP-FRESH"]


def test_children_in_custody_with_days_held_facility_and_next_limit(client_for, world):
    html = text(client_for(world["clerk"]).get("/board"))
    part = custody(html)
    assert [("SP-DETAINED" in r, "SP-FRESH" in r) for r in rows(part)] == [(True, False), (False, True)], (
        "longest held first"
    )
    held = row_for(part, "SP-DETAINED")
    assert "Pre-trial detention" in held and "CASE Unidade 2" in held
    assert '<td class="num">51<br>' in held and "51 days 0 h 00 min" in held
    assert "2026-04-11 09:00 -03" in held, "since the start of the unbroken custody, in the court's time"
    assert "status-breached" in held and "overdue by 4 days 9 h 00 min" in held
    fresh = row_for(part, "SP-FRESH")
    assert "Police custody" in fresh and "Delegacia 4" in fresh
    assert ART_175_TITLE in fresh and "22 h 00 min left" in fresh and ">0<br>" in fresh


def test_a_pending_limit_turns_at_risk_then_breached_without_recomputation(client_for, world, clock):
    before = {
        row.id: (row.status, row.computed_at)
        for row in db.session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == world["fresh"].id))
    }
    assert "SP-FRESH" not in attention(text(client_for(world["clerk"]).get("/board")))

    clock.now = REAL_NOW + timedelta(hours=17)  # 19 h after apprehension: at risk from 18 h
    row = row_for(attention(text(client_for(world["clerk"]).get("/board"))), ART_175_TITLE)
    assert "SP-FRESH" in row and 'status-at_risk">At risk</span>' in row and "5 h 00 min left" in row

    clock.now = REAL_NOW + timedelta(hours=23)  # 25 h after apprehension
    row = row_for(attention(text(client_for(world["clerk"]).get("/board"))), ART_175_TITLE)
    assert 'status-breached">Breached</span>' in row and "overdue by 1 h 00 min" in row

    db.session.expire_all()
    after = {
        row.id: (row.status, row.computed_at)
        for row in db.session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == world["fresh"].id))
    }
    assert after == before, "the stored rows were not recomputed: the database read the status at the instant"


def test_as_of_reads_the_board_at_another_instant(client_for, world):
    client = client_for(world["clerk"])
    html = text(client.get("/board?as_of=2026-06-02T11:00:00Z"))
    row = row_for(attention(html), ART_175_TITLE)
    assert "SP-FRESH" in row and "status-breached" in row and "overdue by 1 h 00 min" in row
    assert "if nothing more is recorded" in html
    assert 'value="2026-06-02T08:00"' in html, "the instant shown back in the clerk's court time"

    early = text(client.get("/board?as_of=2026-05-20T12:00:00Z"))
    assert 'status-at_risk">At risk</span>' in row_for(attention(early), ART_108_TITLE)
    assert "SP-FRESH" not in custody(early), "not yet in custody then"
    # A local time without an offset is read in the clerk's court's zone (São Paulo, UTC-3).
    local = text(client.get("/board?as_of=2026-06-02T08:00"))
    assert "overdue by 1 h 00 min" in row_for(attention(local), ART_175_TITLE)


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01T00:00Z", "2026-02-30", "x" * 500, "0001-01-01T00:00Z"])
def test_an_invalid_as_of_is_a_clear_400(client_for, world, raw):
    response = client_for(world["clerk"]).get("/board", query_string={"as_of": raw})
    assert response.status_code == 400
    assert "The instant to show the board at (as_of) is not valid" in text(response)
    assert audits("board_viewed") == []


def test_advisory_limits_are_shown_as_advisory_and_never_as_breaches(client_for, world, clock):
    client = client_for(world["intl_clerk"])
    row = row_for(attention(text(client.get("/board"))), INTL_TITLE)
    assert 'status-at_risk">At risk</span>' in row and '<span class="badge marker-advisory">Advisory</span>' in row
    assert "Verification S" in row
    assert "INTL-ADVISORY" not in attention(text(client.get("/board?advisory=no")))

    clock.now = REAL_NOW + timedelta(hours=6)
    client = client_for(world["intl_clerk"])
    row = row_for(attention(text(client.get("/board"))), INTL_TITLE)
    assert 'status-advisory_unmet">Past due (advisory)</span>' in row and "Breached" not in row
    assert "No time limit is breached or at risk." in attention(text(client.get("/board?status=breached")))
    assert "INTL-ADVISORY" not in attention(text(client.get("/board?advisory=no")))
    assert INTL_TITLE in attention(text(client.get("/board?status=advisory_unmet")))


def test_the_lawyer_board_shows_only_their_clients(client_for, world):
    html = text(client_for(world["lawyer"]).get("/board"))
    part = attention(html)
    assert "SP-DETAINED" in part and "INTL-ADVISORY" in part
    assert "SP-FRESH" not in html, "another lawyer's client"
    assert "RIO-DETAINED" not in html, "a case with no lawyer of theirs"
    assert world["fresh"].child.pseudonym not in html
    assert "Your clients&#39; cases." in html or "Your clients' cases." in html


def test_a_clerk_of_another_court_sees_nothing_of_it(client_for, world):
    html = text(client_for(world["rio_clerk"]).get("/board"))
    assert "RIO-DETAINED" in attention(html) and "RIO-DETAINED" in custody(html)
    for other in ("SP-DETAINED", "SP-FRESH", "INTL-ADVISORY"):
        assert other not in html
    assert world["detained"].child.pseudonym not in html


def test_the_admin_sees_every_court_and_can_filter(client_for, make, world):
    client = client_for(make.admin())
    part = attention(text(client.get("/board")))
    for reference in ("SP-DETAINED", "RIO-DETAINED", "INTL-ADVISORY"):
        assert reference in part
    rio_only = text(client.get(f"/board?court={world['rio'].id}"))
    assert "RIO-DETAINED" in attention(rio_only) and "SP-DETAINED" not in rio_only
    intl_only = text(client.get("/board?jurisdiction=INTL"))
    assert "INTL-ADVISORY" in attention(intl_only) and "DETAINED" not in attention(intl_only)
    assert "RIO-DETAINED" not in custody(intl_only)
    kind = attention(text(client.get("/board?kind=deadline")))
    assert "ECA (Lei 8.069/1990) art. 183" in kind and "art. 108" not in kind, "108 is a maximum duration"
    police = custody(text(client.get("/board?custody=police_custody")))
    assert "SP-FRESH" in police and "DETAINED" not in police


def test_both_lists_are_paginated(client_for, make, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    client = client_for(make.admin())
    first = text(client.get("/board?jurisdiction=BR"))
    assert len(rows(attention(first))) == 1 and "Time limits 1 to 1 of 4" in first
    assert "Page 1 of 4" in attention(first) and 'rel="next"' in attention(first)
    assert "Children 1 to 1 of 3" in first
    seen = set()
    for page in (1, 2, 3, 4):
        html = text(client.get(f"/board?jurisdiction=BR&page={page}"))
        seen.add(rows(attention(html))[0])
    assert len(seen) == 4
    last = text(client.get("/board?jurisdiction=BR&page=999&cpage=999"))
    assert "Page 4 of 4" in attention(last) and "Page 3 of 3" in custody(last), "past the end: the last page"
    with_as_of = text(client.get("/board?jurisdiction=BR&as_of=2026-06-02T11:00:00Z"))
    assert "as_of=2026-06-02T11%3A00%3A00Z" in attention(with_as_of) or "as_of=2026-06-02T11:00:00Z" in attention(
        with_as_of
    ), "paging keeps the instant"


@pytest.mark.parametrize(
    "query",
    [
        "status=<script>alert(1)</script>",
        "status=breached' OR 1=1 --",
        "advisory=maybe&kind=drop table&custody=jail",
        "jurisdiction=ZZ&court=99999999999999999999",
        "court=-1&page=-5&cpage=abc",
        "page=1e9&cpage=%EF%BF%BF",
        "status=&advisory=&kind=&jurisdiction=&court=&as_of=",
        "status=breached&status=at_risk",
        "as_of=9999-12-30T00:00Z",
        "as_of=2026-06-01T12:00:00.123456%2B00:00&advisory=no",
    ],
)
def test_hostile_parameters_are_ignored_never_a_500(client_for, world, query):
    response = client_for(world["clerk"]).get(f"/board?{query}")
    assert response.status_code == 200, query
    html = text(response)
    assert "<script>alert" not in html
    assert "SP-DETAINED" in attention(html) and "RIO-DETAINED" not in html


def test_a_clerk_cannot_widen_the_board_to_another_court(client_for, world):
    html = text(client_for(world["clerk"]).get(f"/board?court={world['rio'].id}&jurisdiction=INTL"))
    assert "SP-DETAINED" in attention(html) and "RIO-DETAINED" not in html and "INTL-ADVISORY" not in html


def test_each_view_is_audited_with_filter_names_only(client_for, world):
    client_for(world["clerk"]).get("/board?status=breached&advisory=no&kind=deadline&as_of=2026-06-01T00:00Z")
    (entry,) = audits("board_viewed")
    assert entry.actor_id == world["clerk"].id and entry.object_id is None
    # Art. 183 (a binding deadline) was breached then; the interned child was in custody, the other not yet.
    assert entry.detail == "filters=status,advisory,kind,as_of limits=1 page=1 custody=1 cpage=1"


@pytest.mark.parametrize("role", [Role.OVERSIGHT, Role.COORDINATOR])
def test_oversight_and_coordinators_are_refused(make, client_for, world, role):
    response = client_for(make.user(role)).get("/board")
    assert response.status_code == 403
    assert "SP-DETAINED" not in text(response)
    assert audits("board_viewed") == []


@pytest.mark.parametrize(("role", "target"), [(Role.CLERK, "/board"), (Role.LAWYER, "/board"), (Role.ADMIN, "/cases")])
def test_home_leads_clerks_and_lawyers_to_the_board(make, client_for, world, role, target):
    user = world["clerk"] if role == Role.CLERK else make.user(role)
    client = client_for(user)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(target)
    assert '<a href="/board">Board</a>' in text(client.get(target))


def test_oversight_has_no_board_link(make, client_for):
    html = text(client_for(make.user(Role.OVERSIGHT)).get("/oversight"))
    assert 'href="/board"' not in html
