"""`flask demo generate`: deterministic synthetic cases, valid timelines, derived rows stored."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from justice_tracker.cases.models import Case, CaseLawyer, Event
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.demo import COURTS
from justice_tracker.demo_generate import REFERENCE_PREFIX, build_case, check_case, generate, iter_cases
from justice_tracker.oversight.models import StoredEpisode
from justice_tracker.timeline.validation import validate_timeline
from tests.conftest import REAL_NOW

COUNT = 30


def _sequences(seed: int) -> list[list[tuple[str, str]]]:
    return [[(t, at.isoformat()) for t, at, _d in spec.events] for spec in iter_cases(seed, COUNT, REAL_NOW)]


def test_same_seed_same_cases_and_another_seed_others():
    assert _sequences(5) == _sequences(5)
    assert _sequences(5) != _sequences(6)


def test_counts_roughly_as_specified():
    specs = list(iter_cases(11, 400, REAL_NOW))
    per_case = [len(s.events) for s in specs]
    assert 12 <= sum(per_case) / len(specs) <= 18
    assert min(per_case) >= 1 and all(at <= REAL_NOW for s in specs for _t, at, _d in s.events)
    pretrial = sum(any(t == "pretrial_detention_ordered" for t, _a, _d in s.events) for s in specs) / len(specs)
    assert 0.1 < pretrial < 0.3
    assert len({s.jurisdiction_code for s in specs}) == len(COURTS)


def test_a_sample_passes_the_real_timeline_validation():
    for index in range(0, 2000, 37):
        spec = build_case(3, index, REAL_NOW)
        assert validate_timeline(spec.timeline(), spec.child_facts(), now=REAL_NOW, tz=ZoneInfo("UTC")) == []
        check_case(spec, now=REAL_NOW, tz=ZoneInfo("Asia/Kolkata"))  # details clean too


def test_generated_cases_are_stored_with_deadlines_and_custody(demo_org):
    assert generate(COUNT, seed=9, now=REAL_NOW, batch=12) == COUNT
    db.session.commit()
    cases = db.session.scalars(select(Case).where(Case.reference.like(f"{REFERENCE_PREFIX}-9-%"))).all()
    assert len(cases) == COUNT
    assert {c.court_id for c in cases} == {c.id for c in demo_org}
    events = db.session.scalar(select(func.count()).select_from(Event).where(Event.case_id.in_([c.id for c in cases])))
    assert COUNT * 8 <= events <= COUNT * 25
    assert db.session.scalar(select(func.count()).select_from(CaseLawyer)) > 0

    specs = {f"{REFERENCE_PREFIX}-9-{s.index:07d}": s for s in iter_cases(9, COUNT, REAL_NOW)}
    with_deadlines = set(db.session.scalars(select(CaseDeadline.case_id).distinct()))
    with_episodes = Counter(db.session.scalars(select(StoredEpisode.case_id)))
    for case in cases:
        spec = specs[case.reference]
        assert [(e.type, e.at) for e in case.events] == [(t, at) for t, at, _d in spec.events]
        assert case.id in with_deadlines
        assert with_episodes[case.id] >= 1  # every case starts with an apprehension
        closed = any(t == "case_closed" for t, _a, _d in spec.events)
        assert case.status == ("closed" if closed else "open")
        assert (case.custody_state is not None) == _held_at_the_end(spec.events)
        assert (case.custody_state is None) == (case.custody_since is None)
    assert any(c.custody_state for c in cases)


def _held_at_the_end(events) -> bool:
    """Independently of the custody tracker: the last event that starts or ends custody starts it."""
    starts = {"apprehended", "pretrial_detention_ordered"}
    moves = [(t, d) for t, _a, d in events if t in starts | {"released"} or (t == "sentenced" and d["custodial"])]
    return bool(moves) and moves[-1][0] != "released"


def test_generation_needs_the_demo_data_and_a_fresh_seed(app, demo_org):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "generate", "--cases", "3", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "generated 3 case(s)" in result.output
    again = runner.invoke(args=["demo", "generate", "--cases", "3", "--seed", "4"])
    assert again.exit_code != 0 and "already in the database" in again.output


def test_generation_without_demo_data_is_refused(app, ctx):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--cases", "3"])
    assert result.exit_code != 0 and "flask demo load" in result.output


def _analysed() -> bool:
    """Whether the planner has statistics for the cases table."""
    if db.engine.dialect.name == "postgresql":
        query = "SELECT last_analyze IS NOT NULL AND last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname=:t"
        return bool(db.session.execute(text(query), {"t": "cases"}).scalar())
    found = db.session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    return found is not None and bool(db.session.execute(text("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'cases'")).all())


def test_generation_leaves_the_planner_statistics_fresh(app, demo_org):
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.session.commit()
        assert not _analysed()
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--cases", "3", "--seed", "7"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert _analysed()
    again = app.test_cli_runner().invoke(args=["statistics", "analyze"])
    assert again.exit_code == 0 and "statistics refreshed" in again.output
