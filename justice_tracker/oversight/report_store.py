"""Built oversight reports shared by every application process through Redis, signed by us.

With `REDIS_URL` set, a report built by one worker is stored for the others, so each scope is
built once per `OVERSIGHT_CACHE_SECONDS` however many workers serve it, and every worker shows
the same figures computed at the same instant. A report holds suppressed aggregates only, never
a child's record (`cache`).

Reports are stored pickled: they hold labels translated when a page is rendered (a French and an
English reader share one report) and numbers whose exact types the templates and exports rely on.
Unpickling runs whatever the data names, so an entry is read back only when it carries an HMAC
made with a key derived from `SECRET_KEY`: whoever can write to Redis without that key cannot make
a worker unpickle anything. (Whoever holds the key can already sign sessions.)

An entry's name is a hash of the database it was read from, the shape of the report's classes
and the scope: registries sharing one Redis never see each other's reports, and a deployment that
changes a report's fields does not read the previous version's. Redis being down or slow costs
a build, never a page: each call waits at most `TIMEOUT` seconds and is logged without the scope.
So does an entry this version of the code cannot unpickle (one written before a library upgrade).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import pickle

import redis
from sqlalchemy.engine import make_url

from justice_tracker.oversight.indicators import Indicator
from justice_tracker.oversight.report import CustodyList, Report
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.tables import Column, PublishedCell, PublishedRow, PublishedTable

log = logging.getLogger(__name__)

PREFIX = "jt:oversight-report:"
TIMEOUT = 0.5  # seconds per Redis call: a report is rebuilt rather than a page held
SIGNATURE = hashlib.sha256().digest_size
STORED_CLASSES = (Report, Scope, PublishedTable, PublishedRow, PublishedCell, Column, CustodyList, Indicator)
Entry = tuple[float, Report]  # (built at, in seconds since the epoch; the report)


def _shape() -> str:
    """The stored classes' names and fields: a change to any of them names every entry anew."""
    return ";".join(
        f"{cls.__module__}.{cls.__qualname__}({','.join(f.name for f in dataclasses.fields(cls))})"
        for cls in STORED_CLASSES
    )


class ReportStore:
    """Signed, expiring report entries in Redis, named per database and scope."""

    def __init__(self, client: redis.Redis, secret_key: str, database_url: str) -> None:
        self._client = client
        self._mac_key = hmac.new(secret_key.encode(), b"justice-tracker oversight report store", "sha256").digest()
        database = make_url(database_url).render_as_string(hide_password=True)
        self._namespace = f"{database}\n{_shape()}\n"

    @classmethod
    def from_url(cls, redis_url: str, secret_key: str, database_url: str) -> ReportStore:
        client = redis.Redis.from_url(redis_url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        return cls(client, secret_key, database_url)

    def name(self, key: object) -> str:
        return PREFIX + hashlib.sha256(f"{self._namespace}{key!r}".encode()).hexdigest()

    def get(self, key: object) -> Entry | None:
        """The entry stored for `key`, if there is one, we signed it, and this version of the code can read it."""
        try:
            blob = self._client.get(self.name(key))
        except redis.RedisError as exc:
            log.warning("oversight report store unavailable (%s): building the report here", type(exc).__name__)
            return None
        if blob is None:
            return None
        signature, payload = blob[:SIGNATURE], blob[SIGNATURE:]
        if not hmac.compare_digest(signature, self._sign(payload)):
            log.warning("oversight report store: an entry without our signature was ignored")
            return None
        try:
            return pickle.loads(payload)  # noqa: S301 - signed above with our key: only what we stored
        except Exception as exc:  # ours, but maybe written with another version of a library
            log.warning("oversight report store: an entry this code cannot read was ignored (%s)", type(exc).__name__)
            return None

    def put(self, key: object, entry: Entry, seconds: float) -> None:
        """Store `entry` for `seconds`; a store that cannot be reached is skipped."""
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._client.set(self.name(key), self._sign(payload) + payload, px=max(1, int(seconds * 1000)))
        except redis.RedisError as exc:
            log.warning("oversight report store unavailable (%s): report kept in this process only", type(exc).__name__)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._mac_key, payload, "sha256").digest()
