"""Every scale benchmark on SQLite and PostgreSQL at 10,000 and 100,000 cases, results as a table.

    make bench-scale                     # both backends, both sizes: about an hour on 2 cores
    .venv/bin/python bench/bench_scale.py --sizes 10000 --backends sqlite [--reuse] [--skip http]

For each backend and size it builds a registry as an operator would (`flask db upgrade`,
`flask demo load`, `flask demo generate --cases N`), then runs, in this order: `flask deadlines
refresh` (three times, or `--refresh-runs`), the pages and PDF (bench_pages.py), HTTP under load
(bench_http.py: a minute at work, then the worst minute, see its `--officer`) and the import of
10,000 case files (bench_import.py, last because it adds cases). The pure engine
(bench_engine.py) runs once per size. Each result lands in bench/results/<backend>-<size>.json;
bench/report.py turns them into the tables of bench/RESULTS.md.

SQLite registries are files under $BENCH_DIR (default /tmp/jt-scale); PostgreSQL ones are databases jt_scale_<size>
on BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432), dropped and created
again unless --reuse finds them built.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, run_flask, summary

RESULTS = ROOT / "bench" / "results"
SQLITE_DIR = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "jt-scale")
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
STEPS = ("build", "refresh", "pages", "http", "import")


def _url(backend: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_DIR}/registry-{size}.sqlite"
    return f"{PG_BASE}/jt_scale_{size}"


def _psql(sql: str) -> None:
    host = PG_BASE.split("@")[-1].split(":")[0]
    subprocess.run(["psql", "-h", host, "-U", "postgres", "-q", "-c", sql], check=True)


def _built(backend: str, size: int) -> bool:
    """Whether the registry exists (a half-built one is the operator's to drop: --reuse trusts it)."""
    if backend == "sqlite":
        return (SQLITE_DIR / f"registry-{size}.sqlite").exists()
    host = PG_BASE.split("@")[-1].split(":")[0]
    query = f"SELECT 1 FROM pg_database WHERE datname = 'jt_scale_{int(size)}'"  # noqa: S608 - an integer
    answer = subprocess.run(["psql", "-h", host, "-U", "postgres", "-tAc", query], capture_output=True, text=True)
    return answer.stdout.strip() == "1"


def _build(backend: str, size: int, env: dict[str, str]) -> dict[str, Any]:
    if backend == "sqlite":
        SQLITE_DIR.mkdir(exist_ok=True)
        for path in SQLITE_DIR.glob(f"registry-{size}.sqlite*"):
            path.unlink()
    else:
        _psql(f"DROP DATABASE IF EXISTS jt_scale_{size}")
        _psql(f"CREATE DATABASE jt_scale_{size}")
    run_flask("db", "upgrade", env=env)
    run_flask("demo", "load", env=env)
    seconds = run_flask("demo", "generate", "--cases", str(size), "--seed", "1", env=env)
    print(f"  demo generate --cases {size}: {seconds:.0f} s", flush=True)
    return {"generate_s": round(seconds, 1), "generate_cases_per_s": round(size / seconds)}


def _script(name: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    out = RESULTS / f".{name}.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), *args, "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = json.loads(out.read_text())
    out.unlink()
    return result


def run_one(backend: str, size: int, *, reuse: bool, skip: set[str], refresh_runs: int = 3) -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=_url(backend, size))
    path = RESULTS / f"{backend}-{size}.json"
    result: dict[str, Any] = json.loads(path.read_text()) if reuse and path.exists() else {}
    result |= {"backend": backend, "cases": size}
    if "build" not in skip and not (reuse and _built(backend, size)):
        result["build"] = _build(backend, size, env)
    else:
        run_flask("db", "upgrade", env=env)  # a registry built before the latest migration
        run_flask("statistics", "analyze", env=env)  # statistics for the indexes it may have added
    if "refresh" not in skip:
        times = [run_flask("deadlines", "refresh", env=env) for _ in range(refresh_runs)]
        result["refresh"] = summary(times) | {"target_ms": 120_000}
        print(f"  deadlines refresh: median {result['refresh']['median_ms'] / 1000:.1f} s", flush=True)
    if "pages" not in skip:
        result["pages"] = _script("bench_pages.py", env)
        print("  pages: " + ", ".join(f"{k} p95 {v['p95_ms']} ms" for k, v in result["pages"]["measures"].items()))
    if "http" not in skip:
        for key, officer in (("http", "steady"), ("http_cold", "cold")):
            result[key] = http = _script("bench_http.py", env, "--officer", officer)
            print(f"  http, officer {officer}: p99 {http['p99_ms']} ms, {http['errors']} errors", flush=True)
    if "import" not in skip:
        result["import"] = _script("bench_import.py", env)
        print(f"  import: {result['import']['seconds']} s for {result['import']['files']} files", flush=True)
    result["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    path.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--reuse", action="store_true", help="keep registries already built and earlier results")
    parser.add_argument("--skip", nargs="*", choices=[*STEPS, "engine"], default=[])
    parser.add_argument("--refresh-runs", type=int, default=3, help="runs of `deadlines refresh` per registry")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    skip = set(args.skip)
    for size in args.sizes:
        if "engine" not in skip:
            engine = _script("bench_engine.py", dict(os.environ), "--cases", str(size))
            (RESULTS / f"engine-{size}.json").write_text(json.dumps(engine, indent=1) + "\n")
            print(f"engine at {size}: {engine['median_cases_per_s']:,.0f} cases/s", flush=True)
        for backend in args.backends:
            print(f"{backend}, {size} cases", flush=True)
            run_one(backend, size, reuse=args.reuse, skip=skip, refresh_runs=args.refresh_runs)
    subprocess.run([sys.executable, str(ROOT / "bench" / "report.py")], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
