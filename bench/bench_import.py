"""Time of `flask cases import` for 10,000 case files (target: under 60 s, at 10,000 and 100,000 cases).

    .venv/bin/python bench/bench_import.py [--files 10000] [--seed 77] [--json OUT.json]

A benchmark, not a test. It uses the database named by DATABASE_URL as it stands: built
beforehand with `db upgrade`, `demo load` and `demo generate --cases N` (the registry size
under test). It never migrates or wipes it, and the imported cases stay in it.

It writes the case files, in the documented format (`/work/shared/examples/README.md`), into a
temporary folder: children, offences and timelines from the synthetic generator
(`demo_generate.iter_cases`, with a seed other than the registry's, so each timeline is realistic
and passes validation), instants in the court's local offset, one demo court per jurisdiction
(`demo.COURTS`), lawyers by e-mail (the registry's). References carry a run stamp, so they cannot
collide with the registry's (`GEN-…`) or with an earlier run's. Then it times the operator command
`flask --app justice_tracker cases import DIR` in a subprocess (app start included), checks that
every file was created, prints the total, files per second and the app start alone, and deletes
the folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from justice_tracker import create_app
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.demo import COURTS
from justice_tracker.demo_generate import REFERENCE_PREFIX, CaseSpec, iter_cases
from justice_tracker.org.models import Court

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "justice_tracker"]
TARGET_FILES, TARGET_SECONDS = 10_000, 60.0


def case_file(spec: CaseSpec, reference: str, court: str, tz: ZoneInfo, lawyers: list[str]) -> dict[str, Any]:
    """One generated case as a case file (the format `cases export` writes); its lawyer one of `lawyers`."""
    child = {k: v for k, v in spec.child.items() if v is not None}
    child["date_of_birth"] = spec.child["date_of_birth"].isoformat()
    offences = [
        {"description": o["description"], "class": o["offence_class"], "max_penalty_years": o["max_penalty_years"]}
        for o in spec.offences
    ]
    events = [{"type": kind, "at": at.astimezone(tz).isoformat(), **details} for kind, at, details in spec.events]
    return {
        "reference": reference,
        "jurisdiction": spec.jurisdiction_code,
        "court": court,
        "child": child,
        "offences": offences,
        "events": events,
        "lawyers": [lawyers[spec.lawyer % len(lawyers)]] if spec.lawyer is not None and lawyers else [],
    }


def write_files(folder: Path, count: int, seed: int) -> int:
    """Write `count` case files into `folder`; returns the number of cases already in the registry."""
    app = create_app()
    with app.app_context():
        found = db.session.scalars(select(Court).where(Court.name.in_(n for n, *_ in COURTS))).all()
        if len(found) != len(COURTS):
            sys.exit("the demo courts are missing: run `flask demo load` and `flask demo generate` first")
        courts = {c.jurisdiction_code: c.name for c in found}
        zones = {c.jurisdiction_code: ZoneInfo(c.effective_time_zone) for c in found}
        active = select(User.email).where(User.role == Role.LAWYER, User.active.is_(True)).order_by(User.id)
        lawyers = list(db.session.scalars(active.limit(200)))
        registry = db.session.scalar(select(func.count()).select_from(Case))
        taken = select(func.count()).select_from(Case).where(Case.reference.like(f"{REFERENCE_PREFIX}-{seed}-%"))
        if db.session.scalar(taken):
            sys.exit(f"the registry was generated with seed {seed}: choose another --seed")
        db.session.rollback()
    now = utcnow().replace(second=0, microsecond=0)
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    for spec in iter_cases(seed, count, now):
        code = spec.jurisdiction_code
        reference = f"IMP-{seed}-{stamp}-{spec.index:06d}"
        document = case_file(spec, reference, courts[code], zones[code], lawyers)
        (folder / f"{reference}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return registry


def timed(*args: str) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of a `flask` command (CPU: what the machine's other work cannot inflate)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*FLASK, *args], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=TARGET_FILES)
    parser.add_argument("--seed", type=int, default=77, help="generator seed (not the registry's)")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("set DATABASE_URL to a database built with db upgrade, demo load and demo generate")
    print(f"database: {url.split('@')[-1]}")
    with tempfile.TemporaryDirectory(prefix="jt-import-", dir="/tmp") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        registry = write_files(folder, args.files, args.seed)
        print(f"registry: {registry:,} cases; wrote {args.files:,} case files in {time.perf_counter() - started:.1f} s")
        startup, _, _ = timed("cases", "--help")
        seconds, cpu, done = timed("cases", "import", str(folder))
    created = sum(" created case " in line for line in done.stdout.splitlines())
    if done.returncode != 0 or created != args.files:
        sys.stderr.write(done.stderr[-4000:])
        sys.exit(f"import failed: exit {done.returncode}, {created} of {args.files} files created")
    rate = args.files / seconds
    # The app starts once whatever the number of files: only the rest scales.
    scaled = startup + (seconds - startup) * TARGET_FILES / args.files
    print(f"app start alone: {startup:.2f} s")
    print(
        f"cases import of {args.files:,} files: {seconds:.1f} s ({rate:,.0f} files/s, {1000 / rate:.1f} ms per file), "
        f"{cpu:.1f} s of CPU"
    )
    if args.files != TARGET_FILES:
        print(f"  scaled to {TARGET_FILES:,} files: about {scaled:.0f} s")
    result = {
        "name": "import",
        "database": url.split("://")[0],
        "registry_cases": registry,
        "files": args.files,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "files_per_s": round(rate, 1),
        "ms_per_file": round(1000 / rate, 2),
        "app_start_seconds": round(startup, 2),
        "target": "10,000 files < 60 s",
        "scaled_to_target_seconds": round(scaled, 1),
        "met": scaled < TARGET_SECONDS,
    }
    print(json.dumps(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
