"""Reports shared between workers through Redis (oversight/report_store.py), on the machine's real Redis.

Each `ReportCache` here stands for one worker process: its own memory, the same store.
"""

from __future__ import annotations

import logging
import os
import pathlib
import pickle
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import redis

from justice_tracker import create_app
from justice_tracker.oversight.cache import ReportCache
from justice_tracker.oversight.report_store import PREFIX, ReportStore
from justice_tracker.oversight.scope import parse_scope
from tests.conftest import REAL_NOW

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
MINUTES_5 = 300
LATER = REAL_NOW + timedelta(minutes=1)


def dashboard(now):
    """The default scope asked at `now`: the census now and the 12 months before (one question until it expires)."""
    return parse_scope({}, now)


def _forget(client: redis.Redis) -> None:
    for name in client.scan_iter(f"{PREFIX}*"):
        client.delete(name)


@pytest.fixture
def client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is needed at {REDIS_URL} (set TEST_REDIS_URL): {exc}")
    _forget(client)
    yield client
    _forget(client)


@pytest.fixture
def store(app, client):
    return ReportStore(client, app.config["SECRET_KEY"], app.config["SQLALCHEMY_DATABASE_URI"])


def test_a_report_built_by_one_worker_is_used_by_another(world, store):
    first = ReportCache(store).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    # The other worker, a minute later: the report built then, read back from the store.
    other = ReportCache(store).report(dashboard(LATER), 5, LATER, MINUTES_5)
    assert other is not first
    assert other.generated_at == first.generated_at == REAL_NOW
    assert other.tables == first.tables
    assert other.custody_lists == first.custody_lists
    assert other.scope == first.scope


def test_a_shared_report_is_not_used_past_its_time(world, store, client):
    ReportCache(store).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert 0 < client.pttl(store.name(_only_key(client, store))) <= MINUTES_5 * 1000
    # A worker whose clock is past the report's time builds its own, even if the entry is still stored.
    late = ReportCache(store, clock=lambda: time.time() + MINUTES_5 * 2)
    assert late.report(dashboard(LATER), 5, LATER, MINUTES_5).generated_at == LATER


def _only_key(client: redis.Redis, store: ReportStore) -> object:
    """The key of the single entry stored (names are hashes: found by trying the scope's key)."""
    from justice_tracker.oversight.cache import _key

    key = _key(dashboard(REAL_NOW), REAL_NOW, 5)
    assert client.exists(store.name(key))
    return key


def test_an_entry_not_signed_with_our_key_is_never_unpickled(world, app, store, client, tmp_path, caplog):
    proof = tmp_path / "unpickled"
    # What an attacker with write access to Redis but without SECRET_KEY could store: a pickle that runs code.
    hostile = pickle.dumps(_Runs(proof))
    forged = ReportStore(client, "not our secret key " + "y" * 32, app.config["SQLALCHEMY_DATABASE_URI"])
    from justice_tracker.oversight.cache import _key

    key = _key(dashboard(REAL_NOW), REAL_NOW, 5)
    client.set(store.name(key), forged._sign(hostile) + hostile)
    with caplog.at_level(logging.WARNING, logger="justice_tracker.oversight.report_store"):
        report = ReportCache(store).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert not proof.exists()
    assert report.generated_at == REAL_NOW and report.tables
    assert "without our signature" in caplog.text
    # The report built instead replaced the entry, signed.
    assert ReportCache(store).report(dashboard(LATER), 5, LATER, MINUTES_5).generated_at == REAL_NOW


class _Runs:
    """Unpickling this creates a file: proof that a pickle was loaded."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def __reduce__(self):
        return (pathlib.Path.touch, (self.path,))


def test_an_entry_we_signed_but_cannot_read_is_built_again(world, store, client, caplog):
    # As an entry written before a library upgrade would be: ours, signed, but not a report this code can load.
    from justice_tracker.oversight.cache import _key

    unreadable = pickle.dumps(("not", "an entry"))[:-3]
    client.set(store.name(_key(dashboard(REAL_NOW), REAL_NOW, 5)), store._sign(unreadable) + unreadable)
    with caplog.at_level(logging.WARNING, logger="justice_tracker.oversight.report_store"):
        report = ReportCache(store).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert report.generated_at == REAL_NOW and report.tables
    assert "an entry this code cannot read was ignored" in caplog.text


def test_registries_sharing_one_redis_do_not_share_reports(world, app, store, client):
    ReportCache(store).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    elsewhere = ReportStore(client, app.config["SECRET_KEY"], "postgresql+psycopg://u:secret@db/another_registry")
    from justice_tracker.oversight.cache import _key

    key = _key(dashboard(REAL_NOW), REAL_NOW, 5)
    assert store.get(key) is not None
    assert elsewhere.get(key) is None
    assert "secret" not in elsewhere.name(key)


def test_an_unreachable_store_costs_a_build_not_the_page(world, app, caplog):
    nowhere = ReportStore.from_url("redis://127.0.0.1:1/0", app.config["SECRET_KEY"], "sqlite://")
    with caplog.at_level(logging.WARNING, logger="justice_tracker.oversight.report_store"):
        report = ReportCache(nowhere).report(dashboard(REAL_NOW), 5, REAL_NOW, MINUTES_5)
    assert report.generated_at == REAL_NOW and report.tables
    assert "unavailable (ConnectionError)" in caplog.text
    assert "2026" not in caplog.text  # nothing of the scope in the log


def test_the_pages_of_two_workers_show_the_same_figures(world, app, client_for, clock, store):
    officer = client_for(world.oversight)
    app.config["OVERSIGHT_CACHE_SECONDS"] = MINUTES_5
    try:
        app.extensions["oversight_reports"] = ReportCache(store)
        first = officer.get("/oversight/").get_data(as_text=True)
        clock.now = LATER
        app.extensions["oversight_reports"] = ReportCache(store)  # the other worker, nothing in its memory
        second = officer.get("/oversight/").get_data(as_text=True)
    finally:
        app.config["OVERSIGHT_CACHE_SECONDS"] = 0
        app.extensions["oversight_reports"] = ReportCache()
    assert "Figures computed at 2026-06-01 12:00 UTC." in first
    assert "Figures computed at 2026-06-01 12:00 UTC." in second


def test_the_application_shares_reports_when_redis_is_configured(tmp_path):
    url = "sqlite:///" + str(tmp_path / "unused.sqlite")
    shared = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL})
    alone = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None})
    never = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL, "OVERSIGHT_CACHE_SECONDS": 0}
    )
    assert isinstance(shared.extensions["oversight_reports"].store, ReportStore)
    assert alone.extensions["oversight_reports"].store is None
    assert never.extensions["oversight_reports"].store is None


def test_a_scope_asked_for_while_it_is_built_is_built_once():
    builds = []
    started = threading.Event()

    def slow_build(scope, threshold, now):
        builds.append(now)
        started.set()
        time.sleep(0.3)  # long enough for the second request to reach the build lock
        return SimpleNamespace(generated_at=now)

    cache = ReportCache(build=slow_build)
    answers = []

    def ask(now):
        answers.append(cache.report(dashboard(now), 5, now, MINUTES_5))

    first = threading.Thread(target=ask, args=(REAL_NOW,))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask, args=(LATER,))
    second.start()
    first.join(10)
    second.join(10)
    assert builds == [REAL_NOW]
    assert len(answers) == 2 and answers[0] is answers[1]
