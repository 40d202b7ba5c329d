"""What the benchmarks share: percentiles, the JSON result files, and running the `flask` command."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "justice_tracker"]


def summary(seconds: list[float]) -> dict[str, Any]:
    """Median, 95th and 99th percentile and maximum of timings, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(percentile(ordered, 95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def write_json(path: str | None, result: dict[str, Any]) -> None:
    print(json.dumps(result, indent=1))
    if path:
        Path(path).write_text(json.dumps(result, indent=1) + "\n")


def run_flask(*args: str, env: dict[str, str] | None = None) -> float:
    """Run one `flask` command as an operator would; returns its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env or dict(os.environ), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started
