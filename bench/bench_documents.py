"""Time to render each document for a case with 60 events (target: case summary under 1 s).

    make bench            # or: .venv/bin/python bench/bench_documents.py [--runs N]

A benchmark, not a test: it builds a throwaway SQLite database with the real
migrations, records one case of 60 events through the services, renders each
document once to warm the worker, then N times, and prints the best and median
times. Rendering runs in the same worker processes the web application uses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from bench.sixty import sixty_events
from justice_tracker import create_app
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services
from justice_tracker.db import db
from justice_tracker.documents import service
from justice_tracker.org.models import Court

TARGET_SECONDS = {service.CASE_SUMMARY: 1.0}


def _case(now: datetime):
    court = Court(name="Bench court", jurisdiction_code="GB-EAW", active=True)
    db.session.add(court)
    admin = User(
        email="bench@example.test",
        display_name="Bench Admin",
        role=Role.ADMIN,
        password_hash="!",  # noqa: S106 - no password: the bench never signs in
        active=True,
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(admin)
    db.session.flush()
    child = services.register_child(
        admin,
        {
            "given_name": "Bench",
            "family_name": "Child",
            "date_of_birth": date(2010, 1, 1),
            "sex": "F",
            "languages": ["fr"],
        },
        court=court,
    )
    case = services.open_case(
        admin,
        child,
        {"reference": "BENCH-60", "offences": [{"description": "theft", "max_penalty_years": 7}]},
        court=court,
    )
    services.record_events(admin, case, sixty_events(now), path_prefix="events.")
    db.session.commit()
    return admin, case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "b" * 40})
        with app.app_context():
            upgrade()
        with app.test_request_context():
            admin, case = _case(datetime.now(UTC).replace(microsecond=0))
            print(f"case {case.reference}: {len(case.events)} events; {runs} runs per document after one warm-up")
            slow = False
            for kind in service.KINDS:
                service.render_document(admin, case, kind, via="bench")
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    rendered = service.render_document(admin, case, kind, via="bench")
                    times.append(time.perf_counter() - started)
                db.session.rollback()
                target = TARGET_SECONDS.get(kind)
                verdict = ""
                if target is not None:
                    verdict = f"  target < {target:.1f} s: " + ("met" if min(times) < target else "MISSED")
                    slow = slow or min(times) >= target
                print(
                    f"{kind:14} {rendered.pages:2d} pages  best {min(times):.3f} s  "
                    f"median {statistics.median(times):.3f} s{verdict}"
                )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
