"""Pages and a document on a registry-sized database: boards, a case of 60 events, the oversight year, its PDF.

    .venv/bin/python bench/bench_pages.py [--runs 40] [--json OUT.json]     # DATABASE_URL: a built registry

A benchmark, not a test. The database named by DATABASE_URL has been built by `flask db upgrade`,
`flask demo load` and `flask demo generate --cases N` (bench/bench_scale.py does this). The first
run adds one case of 60 events (reference BENCH-60, at the demo's London court) through the
services, as a clerk would. Each page is requested in-process through the whole application
(sign-in session, access check, queries, audit row, template) by a demo user signed in with the
real login form: a warm-up, then `--runs` timed requests; the oversight year gets a fifth of them,
and each builds its report afresh (the reuse of `oversight/cache.py` is switched off here).

Targets at 100,000 cases: each board's first page and the case page p95 < 100 ms; the oversight
dashboard for a year < 2 s; the case summary PDF < 1 s.

For each page the SELECT (and SET) statements it sent are captured and replayed on a raw DBAPI cursor, the
same number of times: the bare database time of the rows the page shows. The app's median over
that median is how much the application adds on top of the database.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from bench.common import summary, write_json
from bench.sixty import sixty_events
from justice_tracker import create_app
from justice_tracker.auth.models import User
from justice_tracker.cases import services
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.documents import service as documents
from justice_tracker.org.models import Court

PASSWORD = "demo passphrase for training"  # noqa: S105 - the published demo password
REFERENCE = "BENCH-60"
TARGETS_MS = {"clerk_board": 100, "lawyer_board": 100, "case_page": 100, "oversight_year": 2000, "case_pdf": 1000}


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert answer.status_code == 302, f"{email} could not sign in ({answer.status_code})"
    return client


def _sixty_event_case() -> Case:
    found = db.session.scalar(select(Case).where(Case.reference == REFERENCE))
    if found is not None:
        return found
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
    court = db.session.scalar(select(Court).where(Court.jurisdiction_code == "GB-EAW").order_by(Court.id))
    child = services.register_child(
        admin,
        {"given_name": "Bench", "family_name": "Sixty", "date_of_birth": date(2010, 1, 1), "sex": "F"},
        court=court,
    )
    case = services.open_case(
        admin,
        child,
        {"reference": REFERENCE, "offences": [{"description": "theft", "max_penalty_years": 7}]},
        court=court,
    )
    services.record_events(admin, case, sixty_events(datetime.now(UTC)), path_prefix="events.")
    db.session.commit()
    return case


class Capture:
    """The SELECT statements sent while it is on, with their parameters, to replay without the app; and the
    SET statements before them (the oversight report's `SET LOCAL jit = off` on PostgreSQL), so that the
    replay runs with the same settings."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        if self.on and not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH", "SET")):
            self.statements.append((statement, parameters))


def _time_page(client: FlaskClient, url: str, runs: int) -> list[float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
    return times


def _statements(client: FlaskClient, url: str, capture: Capture) -> list[tuple[str, Any]]:
    capture.statements, capture.on = [], True
    try:
        client.get(url)
    finally:
        capture.on = False
    return capture.statements


def _time_bare(app: Flask, statements: list[tuple[str, Any]], runs: int) -> tuple[list[float], int]:
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            rows = 0
            for statement, parameters in statements:  # warm-up, and the row count
                cursor.execute(statement, parameters)
                rows += len(cursor.fetchall()) if cursor.description is not None else 0
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    if cursor.description is not None:  # a SET returns no rows
                        cursor.fetchall()
                times.append(time.perf_counter() - started)
            raw.rollback()
        finally:
            raw.close()
    return times, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()
    # Every oversight request builds its report: the cold time, not a reuse (oversight/cache.py).
    app = create_app({"OVERSIGHT_CACHE_SECONDS": 0})
    capture = Capture()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        case_id = _sixty_event_case().id
        cases = db.session.scalar(select(db.func.count()).select_from(Case))
    today = datetime.now(UTC).date()
    year = f"from={(today - timedelta(days=365)).isoformat()}&to={today.isoformat()}"
    pages = {
        "clerk_board": ("clerk.gb@demo.test", "/board", args.runs),
        "lawyer_board": ("lawyer@demo.test", "/board", args.runs),
        "case_page": ("clerk.gb@demo.test", f"/cases/{case_id}", args.runs),
        "oversight_year": ("oversight@demo.test", f"/oversight/?{year}", max(5, args.runs // 5)),
    }
    clients: dict[str, FlaskClient] = {}
    result: dict[str, Any] = {"name": "pages", "cases": cases, "measures": {}}
    for name, (email, url, runs) in pages.items():
        client = clients.get(email) or clients.setdefault(email, _signed_in(app, email))
        timed = summary(_time_page(client, url, runs))
        statements = _statements(client, url, capture)
        bare, rows = _time_bare(app, statements, runs)
        timed["bare_sql"] = summary(bare) | {"statements": len(statements), "rows": rows}
        timed["app_over_sql"] = round(timed["median_ms"] / max(timed["bare_sql"]["median_ms"], 0.01), 1)
        timed["target_ms"] = TARGETS_MS[name]
        timed["met"] = timed["p95_ms"] < TARGETS_MS[name]
        result["measures"][name] = timed
        print(f"{name}: median {timed['median_ms']} ms, p95 {timed['p95_ms']} ms, x{timed['app_over_sql']} bare SQL")
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
        case = db.session.get(Case, case_id)
        documents.render_document(admin, case, documents.CASE_SUMMARY, via="bench")
        times = []
        for _ in range(max(5, args.runs // 4)):
            started = time.perf_counter()
            documents.render_document(admin, case, documents.CASE_SUMMARY, via="bench")
            times.append(time.perf_counter() - started)
        db.session.rollback()
        pdf = summary(times) | {"target_ms": TARGETS_MS["case_pdf"]}
        pdf["met"] = pdf["p95_ms"] < TARGETS_MS["case_pdf"]
        result["measures"]["case_pdf"] = pdf
    write_json(args.json, result)


if __name__ == "__main__":
    main()
