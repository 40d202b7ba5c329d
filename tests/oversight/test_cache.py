"""Reports reused a few minutes per scope (oversight/cache.py): the same question, the same report, then afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from justice_tracker.oversight.cache import ReportCache
from justice_tracker.oversight.scope import parse_scope
from tests.conftest import REAL_NOW
from tests.oversight.conftest import DELEGACIA, SCOPE, at

MINUTES_5 = 300


class Ticks:
    """A wall clock (seconds since the epoch) the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = REAL_NOW.timestamp()

    def __call__(self) -> float:
        return self.seconds


def test_a_report_is_reused_for_its_time_then_built_again(world):
    ticks = Ticks()
    cache = ReportCache(clock=ticks)
    first = cache.report(SCOPE, 5, REAL_NOW, MINUTES_5)
    assert cache.report(SCOPE, 5, REAL_NOW, MINUTES_5) is first
    ticks.seconds += MINUTES_5 - 1
    assert cache.report(SCOPE, 5, REAL_NOW, MINUTES_5) is first
    ticks.seconds += 1
    again = cache.report(SCOPE, 5, REAL_NOW, MINUTES_5)
    assert again is not first
    assert again.tables == first.tables


def test_another_scope_or_threshold_is_another_report(world):
    cache = ReportCache(clock=Ticks())
    first = cache.report(SCOPE, 5, REAL_NOW, MINUTES_5)
    court = parse_scope({"court": str(world.courts.a.id), "from": "2026-01-01", "to": "2026-05-31"}, REAL_NOW)
    assert cache.report(court, 5, REAL_NOW, MINUTES_5) is not first
    assert cache.report(SCOPE, 10, REAL_NOW, MINUTES_5) is not first


def test_the_default_scope_asked_a_minute_later_is_the_same_question(world):
    cache = ReportCache(clock=Ticks())
    later = REAL_NOW + timedelta(minutes=1)
    first = cache.report(parse_scope({}, REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert cache.report(parse_scope({}, later), 5, later, MINUTES_5) is first
    # A period fixed in the past, asked at two instants, is also one question...
    fixed = {"from": "2026-01-01", "to": "2026-03-31", "as_of": "2026-04-30"}
    past = cache.report(parse_scope(fixed, REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert cache.report(parse_scope(fixed, later), 5, later, MINUTES_5) is past
    # ...and so is a period from a fixed day up to today...
    this_year = {"from": "2026-01-01", "to": "2026-06-01"}
    so_far = cache.report(parse_scope(this_year, REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert cache.report(parse_scope(this_year, later), 5, later, MINUTES_5) is so_far
    # ...but a census at a fixed instant is not the census now.
    census = cache.report(parse_scope({"as_of": "2026-05-31"}, REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert census is not first


def test_zero_seconds_builds_every_time(world):
    cache = ReportCache(clock=Ticks())
    assert cache.report(SCOPE, 5, REAL_NOW, 0) is not cache.report(SCOPE, 5, REAL_NOW, 0)


@pytest.fixture
def caching(app):
    app.config["OVERSIGHT_CACHE_SECONDS"] = MINUTES_5
    app.extensions["oversight_reports"] = ReportCache()
    yield
    app.config["OVERSIGHT_CACHE_SECONDS"] = 0
    app.extensions["oversight_reports"] = ReportCache()


def test_the_page_says_when_its_figures_were_computed_and_keeps_them_meanwhile(world, client_for, clock, caching):
    client = client_for(world.oversight)
    first = client.get("/oversight/").get_data(as_text=True)
    assert "Figures computed at 2026-06-01 12:00 UTC." in first
    clock.now = REAL_NOW + timedelta(minutes=2)
    try:
        second = client.get("/oversight/indicators").get_data(as_text=True)
    finally:
        clock.now = REAL_NOW
    # The indicators come from the same report: computed, and counted, at the first look.
    assert "Figures computed at 2026-06-01 12:00 UTC." in second
    assert "census instant 2026-06-01 12:00 UTC" in second


def test_the_list_of_children_held_is_made_once_per_report_and_language(world, make, client_for, app, caching):
    # Five more children held in Brazil (as in test_pages), so that its list is shown at a threshold of 3.
    for n in range(8, 13):
        make.case(
            court=world.courts.c, reference=f"C{n}", events=[("apprehended", at(5, 30, n), {"facility": DELEGACIA})]
        )
    app.config["SMALL_CELL_THRESHOLD"] = 3
    try:
        client = client_for(world.oversight)
        english = client.get("/oversight/", query_string={"jurisdiction": "BR"}).get_data(as_text=True)
        [(_built, report)] = app.extensions["oversight_reports"]._entries.values()
        [(key, lists)] = report.rendered.items()
        client.get("/oversight/indicators", query_string={"jurisdiction": "BR"})
        made_before_french = list(report.rendered)
        client.get("/oversight/", query_string={"jurisdiction": "BR"}, headers={"Accept-Language": "fr"})
    finally:
        app.config["SMALL_CELL_THRESHOLD"] = 5
    assert key == ("held_lists", "en")
    [items] = lists.values()
    assert f'<ol class="pseudonyms">{items}</ol>' in english
    assert str(items).count("<li>") == 6 and "12 days</li>" in str(items)
    assert world.cases.c4.child.pseudonym in str(items)
    assert made_before_french == [key]  # another page of the same report: not made again
    assert set(report.rendered) == {key, ("held_lists", "fr")}
