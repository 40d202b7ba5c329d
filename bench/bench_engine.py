"""The pure rules engine evaluating every generated case in memory (target: 5,000 cases per second).

    .venv/bin/python bench/bench_engine.py [--cases N] [--seed S] [--runs R] [--json OUT.json]

A benchmark, not a test: no database and no Flask. It builds N cases with the same generator
as `flask demo generate` (`demo_generate.build_case`), turns each into the engine's inputs
(`CaseFacts`, `TimelineEvent`s) once, then times `rules.engine.evaluate` over all of them at
one instant, R times, and prints cases per second (best and median run). Building the inputs is
timed apart and not counted. The engine prepares each pack once per process (rule templates,
due-date plans, calendars) and remembers due days and spans as cases ask for them, so the first
run also fills those caches: it is shown, and the median is the headline. bench_scale.py runs it
at each registry size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import write_json
from justice_tracker.demo_generate import iter_cases
from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.loader import load_all
from justice_tracker.rules.model import CaseFacts, OffenceFacts
from justice_tracker.timeline.facts import ChildFacts

TARGET = 5000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    packs = load_all()
    started = time.perf_counter()
    inputs = []
    for spec in iter_cases(args.seed, args.cases, now):
        facts = CaseFacts(
            child=ChildFacts(spec.child["date_of_birth"], spec.child["date_of_birth_estimated"]),
            offences=[OffenceFacts(o["max_penalty_years"], o["offence_class"]) for o in spec.offences],
        )
        inputs.append((facts, spec.timeline(), packs[spec.jurisdiction_code]))
    built = time.perf_counter() - started
    events = sum(len(timeline) for _f, timeline, _p in inputs)
    print(f"{args.cases} cases, {events} events ({events / args.cases:.1f} per case), built in {built:.1f} s")
    rates, deadlines = [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        deadlines = sum(len(evaluate(facts, timeline, pack, now)) for facts, timeline, pack in inputs)
        rates.append(args.cases / (time.perf_counter() - started))
        print(f"  run {len(rates)}: {rates[-1]:,.0f} cases/s")
    best, median = max(rates), statistics.median(rates)
    verdict = "meets" if median >= TARGET else "MISSES"
    print(f"engine: {deadlines} deadlines; best {best:,.0f} cases/s, median {median:,.0f} cases/s")
    print(f"{verdict} the target of {TARGET:,.0f} cases/s")
    write_json(
        args.json,
        {
            "name": "engine",
            "cases": args.cases,
            "events": events,
            "build_s": round(built, 1),
            "deadlines": deadlines,
            "best_cases_per_s": round(best),
            "median_cases_per_s": round(median),
            "target_cases_per_s": TARGET,
            "met": median >= TARGET,
        },
    )


if __name__ == "__main__":
    main()
