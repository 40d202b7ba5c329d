"""Time of `flask deadlines refresh` over a generated registry (target at 100,000 cases: under 2 minutes).

    make bench-scale      # or: .venv/bin/python bench/bench_refresh.py [--cases N] [--seed S] [--keep]

A benchmark, not a test. It builds the database with the real commands, as an operator would:
`db upgrade`, `demo load`, `demo generate --cases N`, then times `deadlines refresh`. The
database is a new SQLite file under /tmp, or DATABASE_URL when set (it must be an empty database:
`demo generate` needs `demo load`, which loads only into an empty one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "justice_tracker"]


def run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and print its path")
    args = parser.parse_args()
    env = dict(os.environ)
    folder = None
    if not env.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="jt-bench-", dir="/tmp")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"
    where = env["DATABASE_URL"].split("@")[-1] if "@" in env["DATABASE_URL"] else env["DATABASE_URL"]
    print(f"database: {where}")
    run(env, "db", "upgrade")
    run(env, "demo", "load")
    generated = run(env, "demo", "generate", "--cases", str(args.cases), "--seed", str(args.seed))
    print(f"demo generate --cases {args.cases}: {generated:.1f} s ({args.cases / generated:,.0f} cases/s)")
    refresh = run(env, "deadlines", "refresh")
    print(f"deadlines refresh ({args.cases} generated cases + the demo's): {refresh:.1f} s")
    if folder and not args.keep:
        for path in Path(folder).iterdir():
            path.unlink()
        Path(folder).rmdir()
    elif folder:
        print(f"kept {folder}/bench.sqlite")


if __name__ == "__main__":
    main()
