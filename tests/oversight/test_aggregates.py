"""The oversight aggregates, counted in SQL, against the figures worked out by hand in conftest.py.

Threshold 1 hides nothing, so that every raw figure can be read; the same report with the
default threshold is checked for suppression in test_privacy.py. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import event, func, select

from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.oversight import queries as q
from justice_tracker.oversight.models import StoredEpisode, StoredPlacement
from justice_tracker.oversight.report import build_report
from justice_tracker.rules.model import Status
from tests.conftest import REAL_NOW
from tests.oversight.conftest import END, SCOPE, START, at

POLICE, PRETRIAL, SENTENCED = "police_custody", "pretrial_detention", "sentenced_custody"


def value(report, table: str, row: str, column: str):
    return report.tables[table].cell(row, column).value


@pytest.fixture()
def report(world):
    return build_report(SCOPE, 1, REAL_NOW)


def test_episodes_are_stored_from_each_timeline(world):
    rows = db.session.execute(
        select(StoredEpisode.kind, StoredEpisode.start_at, StoredEpisode.end_at, StoredEpisode.reason)
        .where(StoredEpisode.case_id == world.cases.c2.id)
        .order_by(StoredEpisode.position)
    ).all()
    assert rows == [
        (POLICE, at(3, 1, 8), at(3, 1, 20), "apprehension"),
        (POLICE, at(4, 1, 8), at(4, 2, 8), "apprehension"),
        (PRETRIAL, at(4, 2, 8), None, "remand_after_arrest"),
    ]
    c6 = db.session.scalars(select(StoredEpisode).where(StoredEpisode.case_id == world.cases.c6.id)).all()
    assert [(e.kind, e.ended_by, e.age_band, e.offence_class) for e in c6] == [
        (POLICE, "released", "16–17", "not recorded"),
        (SENTENCED, "released", "16–17", "not recorded"),
    ]
    placement = db.session.scalars(
        select(StoredPlacement).where(StoredPlacement.case_id == world.cases.c1.id).order_by(StoredPlacement.start_at)
    ).all()
    assert [(p.facility_id, p.separated_from_adults) for p in placement] == [
        (world.facilities.cells.id, None),
        (world.facilities.home.id, True),
    ]


def test_children_held_at_the_census_instant(world, report):
    assert value(report, "held_by_kind", "total", "held") == 3
    assert value(report, "held_by_kind", f"kind:{POLICE}", "held") == 1
    assert value(report, "held_by_kind", f"kind:{PRETRIAL}", "held") == 2
    assert value(report, "held_by_kind", f"kind:{SENTENCED}", "held") == 0
    assert value(report, "held_by_kind", "total", "no_hearing") == 2  # C3 and C4; C2 has a hearing on 06-10
    a, b, c = world.courts.a.id, world.courts.b.id, world.courts.c.id
    assert value(report, "held_by_court", "jurisdiction:GB-EAW", "held") == 2
    assert value(report, "held_by_court", f"court:GB-EAW:{a}", "held") == 1
    assert value(report, "held_by_court", f"court:GB-EAW:{b}", "held") == 1
    assert value(report, "held_by_court", f"court:BR:{c}", "held") == 1
    home, delegacia = world.facilities.home.id, world.facilities.delegacia.id
    assert value(report, "held_by_facility", f"facility:GB-EAW:{home}", "held") == 2
    assert value(report, "held_by_facility", f"facility:BR:{delegacia}", "not_separated") == 1
    assert value(report, "held_by_facility", "total", "not_separated") == 1
    assert value(report, "held_by_facility", "total", "separation_unknown") == 0


def test_past_a_binding_limit_matches_the_live_engine(world, report):
    held = [world.cases.c2, world.cases.c3, world.cases.c4]
    expected = sum(
        any(d.status is Status.BREACHED and not d.advisory for d in evaluate_case(case, REAL_NOW)) for case in held
    )
    assert expected >= 1  # C4 was never presented to the prosecutor within 24 hours (ECA art. 175)
    assert value(report, "held_by_kind", "total", "past_limit") == expected


def test_breaches_in_the_period_match_the_live_engine(world, report):
    expected: dict[int, int] = {}
    for case in db.session.scalars(select(Case)):
        for d in evaluate_case(case, REAL_NOW):
            breached = d.status in (Status.BREACHED, Status.MET_LATE)
            if breached and not d.advisory and d.due is not None and START <= d.due < END:
                expected[case.court_id] = expected.get(case.court_id, 0) + 1
    assert sum(expected.values()) == value(report, "breaches_by_court", "total", "breaches") > 0
    codes = {court.id: court.jurisdiction_code for court in vars(world.courts).values()}
    for court_id, n in expected.items():
        assert value(report, "breaches_by_court", f"court:{codes[court_id]}:{court_id}", "breaches") == n
    by_rule = report.tables["breaches_by_rule"]
    assert by_rule.total.cells["breaches"].value == sum(expected.values())
    months = report.tables["trends"]
    assert sum(r.cells["breaches"].value for r in months.rows) == sum(expected.values())


def test_lengths_of_stay_and_the_histogram(report):
    assert value(report, "length_by_kind", f"kind:{POLICE}", "ended") == 6
    # 2 h, 8 h, 10 h, 12 h, 24 h, 24 h: median of the middle two, 90th percentile by nearest rank
    assert value(report, "length_by_kind", f"kind:{POLICE}", "median") == pytest.approx((10 + 12) / 2 / 24, abs=0.01)
    assert value(report, "length_by_kind", f"kind:{POLICE}", "p90") == pytest.approx(1.0)
    assert value(report, "length_by_kind", f"kind:{PRETRIAL}", "ended") == 1
    assert value(report, "length_by_kind", f"kind:{PRETRIAL}", "mean") == pytest.approx(30.0)
    assert value(report, "length_by_kind", f"kind:{SENTENCED}", "median") == pytest.approx(61.0)
    assert value(report, "pretrial_histogram", "bucket:2", "ended") == 1  # 8 to 30 days
    assert value(report, "pretrial_histogram", "total", "ended") == 1


def test_monthly_trends(report):
    rows = {r.label: r.cells for r in report.tables["trends"].rows}
    assert list(rows) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert [rows[m]["apprehensions"].value for m in rows] == [3, 1, 1, 1, 1]
    assert [rows[m]["remands"].value for m in rows] == [1, 0, 0, 1, 0]
    # Held at each month's end (the period's end for May): C3 from December; C1 in January; C2 from April; C6, C4.
    assert [rows[m]["held_end"].value for m in rows] == [2, 1, 2, 3, 3]


def test_jdai_metrics(world, report):
    assert value(report, "jdai_sex", "total", "apprehensions") == 7
    assert value(report, "jdai_sex", "total", "remands") == 2
    assert value(report, "jdai_sex", "total", "rate") == pytest.approx(28.57, abs=0.01)
    assert value(report, "jdai_sex", "total", "releases") == 1
    assert value(report, "jdai_sex", "total", "held_during") == 3
    # Child-days inside the period: C1 30, C2 59 2/3, C3 151; over 151 days.
    assert value(report, "jdai_sex", "total", "adp") == pytest.approx((30 + 59 + 2 / 3 + 151) / 151, abs=0.01)
    assert value(report, "jdai_sex", "total", "alos") == pytest.approx(30.0)
    assert value(report, "jdai_sex", "total", "median_los") == pytest.approx(30.0)
    assert value(report, "jdai_sex", "sex:F", "apprehensions") == 2
    assert value(report, "jdai_sex", "sex:M", "apprehensions") == 4
    assert value(report, "jdai_sex", "sex:X", "apprehensions") == 1
    # Reference group: the most apprehensions (M, 1 remand in 4); F: 1 in 2.
    assert value(report, "jdai_sex", "sex:M", "rr") == pytest.approx(1.0)
    assert value(report, "jdai_sex", "sex:F", "rr") == pytest.approx(2.0)
    assert value(report, "jdai_reason", "reason:remand_after_arrest", "remands") == 2
    assert value(report, "jdai_area", "area:GB-EAW:North", "remands") == 2
    assert value(report, "jdai_court", "jurisdiction:BR", "apprehensions") == 2
    assert value(report, "jdai_age_band", "age_band:14–15", "remands") == 2  # C1 at 15, C2 at 15


def test_indicators_for_a_jurisdiction(world):
    report = build_report(replace(SCOPE, jurisdiction="GB-EAW"), 1, REAL_NOW)

    def ind(number: int, column: str = "value"):
        return value(report, "indicators", f"indicator:{number}", column)

    assert (ind(1, "count"), ind(1)) == (4, pytest.approx(4.0))  # C1, C2, C5 (North), C6 (South); 100,000 (2025)
    assert (ind(2, "count"), ind(2)) == (2, pytest.approx(2.0))
    assert (ind(3, "count"), ind(3)) == (2, pytest.approx(2.0))
    assert (ind(4, "count"), ind(4)) == (4, pytest.approx((10 / 24 + 12 / 24) / 2, abs=0.01))  # C1 31 d, C2, C5, C6
    assert (ind(5, "count"), ind(5)) == (1, pytest.approx(61.0))
    assert (ind(7, "count"), ind(7, "base"), ind(7)) == (0, 2, pytest.approx(0.0))
    assert (ind(9, "count"), ind(9, "base"), ind(9)) == (1, 1, pytest.approx(100.0))  # C6 only (C7 is in Brazil)
    assert (ind(10, "count"), ind(10, "base"), ind(10)) == (1, 2, pytest.approx(50.0))  # C5 diverted; C6 sentenced
    assert (ind(11, "count"), ind(11, "base")) == (1, 4)  # C6 of C1, C2, C5, C6
    assert (ind(12, "count"), ind(12, "base")) == (1, 2)  # Home A inspected in 2025-09; Cells B in 2024
    assert (ind(13, "count"), ind(13, "base")) == (1, 2)
    assert ind(14) == "England and Wales: Yes"
    assert ind(6) == ind(8) == "not recorded"
    areas = report.tables["indicator_areas"]
    assert areas.cell("area:GB-EAW:North", "held").value == 1
    assert areas.cell("area:GB-EAW:North", "rate2").value == pytest.approx(2.5)  # 1 in 40,000
    assert areas.cell("area:GB-EAW:South", "rate2").value is None  # no population for South


def test_indicators_for_everything(world, report):
    from justice_tracker.oversight.models import ChildPopulation

    assert report.tables["indicators"].cell("indicator:1", "note").text.endswith("BR, GB-EAW.")
    db.session.delete(db.session.scalar(select(ChildPopulation).where(ChildPopulation.jurisdiction_code == "BR")))
    db.session.commit()
    without = build_report(SCOPE, 1, REAL_NOW).tables["indicators"]
    assert without.cell("indicator:1", "value").value is None
    assert "no child population entered for BR" in without.cell("indicator:1", "note").text

    def ind(number: int, column: str = "value"):
        return value(report, "indicators", f"indicator:{number}", column)

    # The jurisdictions with cases, GB-EAW (100,000 in 2025) and BR (50,000), give the denominator.
    assert (ind(1, "count"), ind(1)) == (6, pytest.approx(4.0))
    assert (ind(2, "count"), ind(2)) == (3, pytest.approx(2.0))
    assert (ind(9, "count"), ind(9, "base")) == (1, 2)
    assert (ind(10, "count"), ind(10, "base")) == (1, 3)
    assert (ind(11, "count"), ind(11, "base")) == (1, 5)


def test_a_court_and_a_facility_narrow_every_count(world):
    by_court = build_report(replace(SCOPE, jurisdiction="GB-EAW", court_id=world.courts.a.id), 1, REAL_NOW)
    assert value(by_court, "held_by_kind", "total", "held") == 1
    assert value(by_court, "jdai_sex", "total", "apprehensions") == 4
    assert value(by_court, "indicators", "indicator:2", "value") == pytest.approx(2.5)  # North: 40,000
    by_facility = build_report(replace(SCOPE, facility_id=world.facilities.home.id), 1, REAL_NOW)
    assert value(by_facility, "held_by_kind", "total", "held") == 2
    assert value(by_facility, "jdai_sex", "total", "remands") == 2  # C1 and C2 were remanded to Home A
    assert value(by_facility, "jdai_sex", "total", "apprehensions") == 0  # all taken to Cells B or nowhere named
    assert value(by_facility, "jdai_reason", "total", "releases") == 1


def test_a_correction_changes_the_stored_episodes(world, make):
    from justice_tracker.cases import services

    case = world.cases.c1
    release = next(e for e in case.events if e.type == "released")
    services.correct_event(make.admin(), case, release, reason="Wrong day", at=at(2, 20, 10), expected_version=None)
    db.session.commit()
    report = build_report(SCOPE, 1, REAL_NOW)
    assert value(report, "length_by_kind", f"kind:{PRETRIAL}", "mean") == pytest.approx(40.0)


def test_programme_capacity_and_referral_outcomes(world, make, clock):
    from justice_tracker.programmes import services
    from justice_tracker.programmes.models import Programme
    from justice_tracker.programmes.referrals import StepInput

    programme = Programme(
        code="OV-1",
        name="Mentors",
        provider="P",
        type="mentoring",
        stages=["pretrial_alternative"],
        jurisdiction_code="GB-EAW",
        areas=[],
        languages=["en"],
        places=10,
        enrolled=3,
        waiting_list=0,
        updated_at=REAL_NOW,
    )
    db.session.add(programme)
    db.session.commit()
    admin = make.admin()
    clock.now = at(5, 10, 9)
    first = services.create_referral(admin, world.cases.c5, programme)
    second = services.create_referral(admin, world.cases.c6, programme)
    for referral, end in (
        (first, StepInput("completed")),
        (second, StepInput("failed", failure_reason="did_not_attend")),
    ):
        for step in (StepInput("offered"), StepInput("accepted", child_consent=True), StepInput("started"), end):
            services.change_referral(admin, referral, step, expected_version=None)
    db.session.commit()
    clock.now = REAL_NOW
    report = build_report(SCOPE, 1, REAL_NOW)
    assert value(report, "programme_capacity", "type:mentoring", "enrolled") == 3  # 3 + 2 taken - 2 given back
    assert value(report, "programme_capacity", "type:mentoring", "utilisation") == pytest.approx(30.0)
    total = report.tables["referrals_type"].total.cells
    assert [total[k].value for k in ("referrals", "started", "completed", "fta", "new_offence")] == [2, 2, 1, 1, 0]
    assert total["completion_rate"].value == pytest.approx(50.0)
    assert value(report, "referrals_sex", "sex:F", "fta") == 1
    assert value(report, "referrals_age_band", "age_band:16–17", "referrals") == 2  # C5 is 16, C6 17 in May 2026


def test_queries_group_in_the_database(world):
    figures = q.episode_figures(SCOPE)
    # One row per combination of the breakdowns, whatever the number of cases or episodes in it, and the
    # tables add them up per breakdown.
    combinations = [flow[: len(q.PROFILE)] for flow in figures.flows]
    episodes = db.session.scalar(select(func.count()).select_from(StoredEpisode))
    assert len(set(combinations)) == len(combinations) < episodes
    assert len(q.group_sums(figures.flows, q.FLOW_KEYS["court"], q.FLOW_MEASURES)) == 3


def test_the_breaches_are_read_from_their_index_alone(world):
    """Every deadline column the breaches statement reads is in `ix_deadlines_due_breaches` (migration 0011):
    a column added to the statement but not to the index would read the wide rows again, a third of the
    table for a year. SQLite says so in its plan; PostgreSQL's choice depends on its statistics."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; the index is the same on PostgreSQL")
    statements = []
    listen = event.listens_for(db.engine, "before_cursor_execute")(
        lambda conn, cursor, statement, params, context, many: statements.append((statement, params))
    )
    try:
        assert q.breaches(SCOPE)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    [(statement, params)] = [(s, p) for s, p in statements if "FROM deadlines" in s]
    plan = [row[3] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)]
    assert any("deadlines USING COVERING INDEX ix_deadlines_due_breaches" in step for step in plan), plan


def _stored(case) -> list[tuple]:
    return db.session.execute(
        select(StoredEpisode.kind, StoredEpisode.sex, StoredEpisode.ends_spell, StoredEpisode.aftercare_at)
        .where(StoredEpisode.case_id == case.id)
        .order_by(StoredEpisode.position)
    ).all()


def test_stored_episodes_know_their_spell_aftercare_and_sex(world):
    # C1: police custody then pre-trial detention without a break, released: one spell, ended by the second.
    assert _stored(world.cases.c1) == [(POLICE, "F", False, None), (PRETRIAL, "F", True, None)]
    # C2: a police custody released the same day; then one still running into pre-trial detention.
    assert _stored(world.cases.c2) == [
        (POLICE, "M", True, None),
        (POLICE, "M", False, None),
        (PRETRIAL, "M", False, None),
    ]
    # C6: aftercare started after both releases; a sentence never ends a pre-sentence spell.
    assert _stored(world.cases.c6) == [(POLICE, "F", True, at(5, 3, 10)), (SENTENCED, "F", False, at(5, 3, 10))]


def test_stored_columns_follow_corrections_and_the_child(world, make):
    from justice_tracker.cases import services

    admin = make.admin()
    c6 = world.cases.c6
    aftercare = next(e for e in c6.events if e.type == "aftercare_started")
    services.correct_event(admin, c6, aftercare, reason="Recorded twice", void=True, expected_version=None)
    c1 = world.cases.c1
    release = next(e for e in c1.events if e.type == "released")
    services.correct_event(admin, c1, release, reason="Wrong event", void=True, expected_version=None)
    services.update_child(admin, c1.child, {"sex": "X"}, expected_version=None)
    db.session.commit()
    assert _stored(c6) == [(POLICE, "F", True, None), (SENTENCED, "F", False, None)]
    # Without its release, C1's pre-trial detention still runs: its spell has not ended.
    assert _stored(c1) == [(POLICE, "X", False, None), (PRETRIAL, "X", False, None)]
    report = build_report(SCOPE, 1, REAL_NOW)
    assert value(report, "indicators", "indicator:11", "count") == 0
    assert value(report, "jdai_sex", "sex:X", "apprehensions") == 2  # C1 and C5


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        ("2008-02-29", "2026-02-28 23:00:00", 17),  # a 29 February birthday is reached on 1 March in common years
        ("2008-02-29", "2026-03-01 00:30:00", 18),
        ("2008-02-29", "2028-02-29 12:00:00", 20),
        ("2010-05-14", "2026-05-13 23:59:59", 15),
        ("2010-05-14", "2026-05-14 00:00:00", 16),
    ],
)
def test_ages_in_sql_follow_the_timeline_rule(app, born, on, age):
    from datetime import UTC, date, datetime

    from sqlalchemy import literal

    from justice_tracker.oversight.sql import age_at
    from justice_tracker.oversight.sql import at as instant

    moment = datetime.fromisoformat(on).replace(tzinfo=UTC)
    with app.app_context():
        found = db.session.scalar(select(age_at(literal(date.fromisoformat(born)), instant(moment))))
    assert found == age
