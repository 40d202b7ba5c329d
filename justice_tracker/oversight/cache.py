"""Recently built oversight reports, kept a few minutes per scope in each application process.

The report for a year reads half of a national registry (about a second at 100,000 cases) and
is the same for every reader: it holds suppressed aggregates only, never a child's record, and
does not depend on who asks. An oversight officer moving between the dashboard, the indicators,
the exports and the PDF of one scope asks for the same report several times a minute; under load
one such officer held a worker for seconds at a time (bench/RESULTS.md).

A report is reused for `OVERSIGHT_CACHE_SECONDS` (0: never). Every page shows the instant the
report was built, so a reader always knows how fresh the figures are. Each worker process keeps
its own entries: nothing is shared, nothing is written to disk, and a restart forgets them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from flask import current_app

from justice_tracker.oversight.report import Report, build_report
from justice_tracker.oversight.scope import DEFAULT_PERIOD, Scope

MAX_ENTRIES = 64

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
    """Reports by scope, each reused for `seconds` after it was built, at most MAX_ENTRIES of them."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: OrderedDict[Key, tuple[float, Report]] = OrderedDict()
        self._lock = threading.Lock()

    def report(self, scope: Scope, threshold: int, now: datetime, seconds: int) -> Report:
        """The report of `scope` built at most `seconds` ago, or one built now."""
        if seconds <= 0:
            return build_report(scope, threshold, now)
        key = _key(scope, now, threshold)
        with self._lock:
            found = self._entries.get(key)
            if found is not None and self._clock() - found[0] < seconds:
                self._entries.move_to_end(key)
                return found[1]
        report = build_report(scope, threshold, now)
        with self._lock:
            self._entries[key] = (self._clock(), report)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return report

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


reports = ReportCache()


def cached_report(scope: Scope, now: datetime) -> Report:
    """The scope's report, built at `now` or at most OVERSIGHT_CACHE_SECONDS before it."""
    config = current_app.config
    return reports.report(scope, config["SMALL_CELL_THRESHOLD"], now, config["OVERSIGHT_CACHE_SECONDS"])
