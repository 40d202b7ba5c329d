"""Recently built oversight reports, reused a few minutes per scope.

The report for a year reads half of a national registry (about a second at 100,000 cases) and
is the same for every reader: it holds suppressed aggregates only, never a child's record, and
does not depend on who asks. An oversight officer moving between the dashboard, the indicators,
the exports and the PDF of one scope asks for the same report several times a minute; under load
one such officer held a worker for seconds at a time (bench/RESULTS.md).

A report is reused for `OVERSIGHT_CACHE_SECONDS` (0: never). Every page shows the instant the
report was built, so a reader always knows how fresh the figures are. Each application keeps the
reports it has used in memory. With `REDIS_URL` set, the reports are also shared by every worker
(`report_store`), so a scope is built once, not once per worker. Within a process, a request
that asks for a scope being built waits for that build rather than starting another.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

from justice_tracker.oversight.report import Report, build_report
from justice_tracker.oversight.report_store import Entry, ReportStore
from justice_tracker.oversight.scope import DEFAULT_PERIOD, Scope

MAX_ENTRIES = 64
BUILD_LOCKS = 16

_NOW = "now"
_DEFAULT = "default period"
Key = tuple[object, ...]


def _key(scope: Scope, now: datetime, threshold: int) -> Key:
    """What identifies the report asked for, with the present named as such rather than dated.

    The default dashboard is the 12 months up to now: two requests a second apart ask for the
    same report, and their keys must say so. An instant that is `now` is keyed as "now", and a
    default period's start as "the default period before the end".
    """
    return (
        _NOW if scope.as_of == now else scope.as_of,
        _DEFAULT if scope.start == scope.end - DEFAULT_PERIOD else scope.start,
        _NOW if scope.end == now else scope.end,
        scope.time_zone,
        scope.jurisdiction,
        scope.court_id,
        scope.facility_id,
        threshold,
    )


class ReportCache:
    """Reports by scope, each reused for `seconds` after it was built, at most MAX_ENTRIES of them here.

    `clock` is wall time (seconds since the epoch): entries from the shared store were built by
    other processes, whose monotonic clocks are not ours.
    """

    def __init__(
        self,
        store: ReportStore | None = None,
        clock: Callable[[], float] = time.time,
        build: Callable[[Scope, int, datetime], Report] = build_report,
    ) -> None:
        self.store = store
        self._clock = clock
        self._build = build
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()
        # One build at a time per scope (striped: a rare wait behind another scope costs less than a
        # lock per scope ever asked for).
        self._building = [threading.Lock() for _ in range(BUILD_LOCKS)]

    def report(self, scope: Scope, threshold: int, now: datetime, seconds: int) -> Report:
        """The report of `scope` built at most `seconds` ago, here or by another process, or one built now."""
        if seconds <= 0:
            return self._build(scope, threshold, now)
        key = _key(scope, now, threshold)
        found = self._fresh(key, seconds)
        if found is not None:
            return found
        with self._building[hash(key) % BUILD_LOCKS]:
            found = self._fresh(key, seconds)  # built by the request this one waited for
            if found is not None:
                return found
            shared = self.store.get(key) if self.store is not None else None
            if shared is not None and self._clock() - shared[0] < seconds:
                self._keep(key, shared)
                return shared[1]
            entry = (self._clock(), self._build(scope, threshold, now))
            if self.store is not None:
                self.store.put(key, entry, seconds)  # stored before any page of this process adds to it
            self._keep(key, entry)
            return entry[1]

    def _fresh(self, key: Key, seconds: int) -> Report | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or self._clock() - found[0] >= seconds:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def _keep(self, key: Key, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def init_report_cache(app: Flask) -> None:
    """The application's report cache, shared through Redis when `REDIS_URL` is set."""
    store = None
    if app.config["REDIS_URL"] and app.config["OVERSIGHT_CACHE_SECONDS"] > 0:
        config = app.config
        store = ReportStore.from_url(config["REDIS_URL"], config["SECRET_KEY"], config["SQLALCHEMY_DATABASE_URI"])
    app.extensions["oversight_reports"] = ReportCache(store)


def cached_report(scope: Scope, now: datetime) -> Report:
    """The scope's report, built at `now` or at most OVERSIGHT_CACHE_SECONDS before it."""
    config = current_app.config
    cache: ReportCache = current_app.extensions["oversight_reports"]
    return cache.report(scope, config["SMALL_CELL_THRESHOLD"], now, config["OVERSIGHT_CACHE_SECONDS"])
