"""The case page's legal time limits: status in words and colour, due times, countdowns, law, force, banner."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from justice_tracker.auth.models import Role
from tests.cases.test_pages_support import text
from tests.conftest import REAL_NOW

URL_ECA = "https://www.planalto.gov.br/ccivil_03/leis/l8069.htm"
ART_108 = "br-eca-108-provisional-internment-45d"
ART_175 = "br-eca-175-presentation-24h"
ART_185 = "br-eca-185-police-facility-5d"
INTL_24H = "intl-gc24-first-appearance-24h"


def br_detained(days: int = 50) -> list[tuple[str, datetime, dict]]:
    """Apprehended, presented to the Ministério Público 4 h later, interned the next day, `days` days ago."""
    ordered = REAL_NOW - timedelta(days=days)
    return [
        ("apprehended", ordered - timedelta(days=1), {"facility": "Delegacia 1"}),
        ("brought_before_authority", ordered - timedelta(hours=20), {"authority": "Ministério Público"}),
        ("pretrial_detention_ordered", ordered, {"facility": "CASE Unidade 2", "separated_from_adults": True}),
    ]


def deadline_item(html: str, rule_id: str) -> str:
    """The <li> of one deadline on the case page."""
    found = re.search(
        rf'<li class="deadline status-[a-z_]+" id="deadline-{re.escape(rule_id)}[^"]*">(.*?)</li>', html, re.S
    )
    assert found, f"no deadline {rule_id} on the page"
    return found.group(0)


def section(html: str) -> str:
    start = html.index('id="deadlines"')
    return html[start : html.index("</section>", start)]


@pytest.fixture()
def br_court(make):
    return make.court("BR", name="Vara da Infância de São Paulo", time_zone="America/Sao_Paulo")


@pytest.fixture()
def br_clerk(make, br_court):
    return make.user(Role.CLERK, court=br_court)


def test_fifty_days_of_provisional_internment_breach_art_108(make, client_for, br_court, br_clerk):
    case = make.case(court=br_court, events=br_detained(50))
    html = text(client_for(br_clerk).get(f"/cases/{case.id}"))

    item = deadline_item(html, ART_108)
    assert 'class="deadline status-breached"' in item
    assert '<span class="badge status-badge status-breached">Breached</span>' in item, (
        "status in words, not colour alone"
    )
    assert "Provisional internment (before sentence) at most 45 days" in item
    # 45 calendar days from 2026-04-12 (local) end on 2026-05-27; 23:59 in São Paulo.
    assert "by the end of 2026-05-27" in item and "2026-05-27 23:59 -03" in item
    assert "overdue by 4 days 9 h 00 min" in item
    assert "Held 50 days 0 h 00 min in pre-trial detention" in item
    assert f'<a href="{URL_ECA}" rel="noopener noreferrer">ECA (Lei 8.069/1990) art. 108</a>' in item
    assert (
        "Binding</span>" in item and "Binding law. Verification V: checked against a verbatim copy of the law." in item
    )
    assert "After 45 days the provisional internment must end" in item, "the consequence of a breach"

    banner = html[html.index("deadline-banner") : html.index('id="deadlines"')]
    assert "A binding legal time limit is breached while the child is deprived of liberty" in banner
    assert f'href="#deadline-{ART_108}' in banner and "ECA (Lei 8.069/1990) art. 108" in banner
    assert html.index("deadline-banner") < html.index('id="timeline-heading"')


def test_met_deadlines_come_after_breaches_and_say_when_they_were_met(make, client_for, br_court, br_clerk):
    case = make.case(court=br_court, events=br_detained(50))
    html = text(client_for(br_clerk).get(f"/cases/{case.id}"))

    met = deadline_item(html, ART_175)
    assert 'class="deadline status-met"' in met and ">Met</span>" in met
    assert "Brought before a competent authority 4 h 00 min after apprehension; limit 24 h" in met
    assert "Met</dt><dd>2026-04-11 13:00 -03</dd>" in met
    assert "overdue" not in met and "Consequence" not in met, "no consequence shown for a limit that was met"

    order = [m.group(1) for m in re.finditer(r'<li class="deadline status-([a-z_]+)"', section(html))]
    assert order[0] == "breached" and order[-1] == "met"
    assert order == sorted(order, key=["breached", "advisory_unmet", "at_risk", "pending", "met_late", "met"].index)


def test_secondary_source_rules_are_advisory_and_inapplicable_rules_are_folded(make, client_for, br_court, br_clerk):
    case = make.case(court=br_court, events=br_detained(50))
    html = text(client_for(br_clerk).get(f"/cases/{case.id}"))

    advisory = deadline_item(html, ART_185)
    assert '<span class="badge marker-advisory">Advisory</span>' in advisory
    assert "Verification S: from a secondary source, not yet checked against the law" in advisory
    assert "never counted as a breach" in advisory

    folded = html[html.index('<details class="not-applicable">') :]
    folded = folded[: folded.index("</details>")]
    assert "Rules that do not apply (4)" in folded
    assert "Internment as a measure lasts at most 3 years" in folded
    assert 'id="deadline-br-eca-121-internment-max-3y' not in html, "inapplicable rules are not in the main list"


def test_an_advisory_limit_counts_down_then_is_past_due_but_never_breached(make, client_for, clock):
    court = make.court("INTL", name="International test court")
    clerk = make.user(Role.CLERK, court=court)
    case = make.case(court=court, events=[("apprehended", REAL_NOW - timedelta(hours=20), {"facility": "Station"})])
    client = client_for(clerk)

    html = text(client.get(f"/cases/{case.id}"))
    item = deadline_item(html, INTL_24H)
    assert 'status-at_risk">At risk</span>' in item and "in 4 h 00 min" in item
    assert "Advisory</span>" in item
    # A verified international standard is binding here, and a prohibition has no due time.
    separation = deadline_item(html, "intl-crc-37c-separation")
    assert '<span class="badge marker-binding">Binding</span>' in separation
    assert "International standard; a breach is flagged. Verification V" in separation
    assert "No due time: the prohibition applies at all times." in separation

    clock.now = REAL_NOW + timedelta(hours=5, minutes=30)
    html = text(client_for(clerk).get(f"/cases/{case.id}"))  # signed in again: the idle timeout has passed
    item = deadline_item(html, INTL_24H)
    assert 'status-advisory_unmet">Past due (advisory)</span>' in item and "overdue by 1 h 30 min" in item
    assert "Breached" not in section(html)
    assert "deadline-banner" not in html, "an advisory limit never raises the breach banner"


def test_as_of_shows_the_deadlines_as_they_stood(make, client_for, br_court, br_clerk):
    case = make.case(court=br_court, events=br_detained(50))
    html = text(client_for(br_clerk).get(f"/cases/{case.id}?as_of=2026-05-20T12:00:00Z"))
    item = deadline_item(html, ART_108)
    assert 'status-at_risk">At risk</span>' in item
    assert "in 7 days 14 h 59 min" in item, "time left until the end of 2026-05-27 in São Paulo"
    assert "Computed at 2026-05-20 09:00 -03" in section(html)
    assert "deadline-banner" not in html


def test_a_release_past_the_limit_is_met_late_and_ends_the_banner(make, client_for, br_court, br_clerk):
    events = [*br_detained(50), ("released", REAL_NOW - timedelta(days=2), {"kind": "to_parents"})]
    case = make.case(court=br_court, events=events)
    html = text(client_for(br_clerk).get(f"/cases/{case.id}"))
    item = deadline_item(html, ART_108)
    assert 'status-met_late">Met late</span>' in item
    # Due at the end of 2026-05-27 in São Paulo (03:00 UTC on the 28th); released 2026-05-30 12:00 UTC.
    assert "met 2 days 9 h 00 min late" in item
    assert "deadline-banner" not in html, "no longer deprived of liberty"


def test_an_extension_is_shown_with_the_number_of_times(make, client_for):
    court = make.court("IN", name="JJB Delhi")
    clerk = make.user(Role.CLERK, court=court)
    first = datetime(2026, 2, 2, 12, tzinfo=UTC)
    events = [
        ("apprehended", first - timedelta(hours=8), {}),
        ("brought_before_authority", first, {"authority": "JJB"}),
        (
            "custody_extended",
            datetime(2026, 5, 25, 6, tzinfo=UTC),
            {"legal_basis": "s. 14(2)", "rule": "in-jja-14-inquiry-4m", "extension_months": 2},
        ),
    ]
    case = make.case(court=court, events=events, offences=[{"description": "theft", "max_penalty_years": 2.0}])
    item = deadline_item(text(client_for(clerk).get(f"/cases/{case.id}")), "in-jja-14-inquiry-4m")
    assert "extended 1 time" in item and "by the end of 2026-08-02" in item


def test_a_case_without_a_rule_pack_says_so(make, client_for, app, monkeypatch):
    court = make.court("BR")
    clerk = make.user(Role.CLERK, court=court)
    case = make.case(court=court, events=br_detained(3))
    monkeypatch.setitem(app.extensions["rule_packs"], "BR", None)
    html = text(client_for(clerk).get(f"/cases/{case.id}"))
    assert "No rule pack is loaded for this jurisdiction" in section(html)
