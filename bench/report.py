"""Write the measured tables of bench/RESULTS.md from bench/results/*.json (bench_scale.py runs it).

    .venv/bin/python bench/report.py

Only the part between the two markers is rewritten; the profiles and fixes written by hand
around it stay.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT

RESULTS = ROOT / "bench" / "results"
DOCUMENT = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- measured: begin (bench/report.py) -->", "<!-- measured: end -->"
SIZES = (10_000, 100_000)
BACKENDS = ("sqlite", "postgresql")
PAGES = {
    "clerk_board": "clerk board, first page",
    "lawyer_board": "lawyer board, first page",
    "case_page": "case page, 60 events",
    "oversight_year": "oversight dashboard, one year",
    "case_pdf": "case summary PDF",
}


def _load(name: str) -> dict[str, Any]:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _ratio(small: float | None, large: float | None) -> str:
    return f"×{large / small:.1f}" if small and large else "—"


def _rows(runs: dict[tuple[str, int], dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(what, target, getter) for every timed measure: the getter takes one run's results."""
    rows: list[tuple[str, str, Any]] = [
        ("`flask deadlines refresh`, all cases", "< 2 min", lambda r: r.get("refresh")),
    ]
    for key, label in PAGES.items():
        target = "< 2 s" if key == "oversight_year" else "< 1 s" if key == "case_pdf" else "p95 < 100 ms"
        rows.append((label, target, lambda r, key=key: r.get("pages", {}).get("measures", {}).get(key)))
    return rows


def _cell(measure: dict[str, Any] | None) -> str:
    if not measure:
        return "—"
    met = measure.get("met")
    if met is None and "target_ms" in measure:
        met = measure["p95_ms"] < measure["target_ms"]
    verdict = "" if met is None else (" ✓" if met else " ✗")
    return f"{_ms(measure['median_ms'])} / {_ms(measure['p95_ms'])}{verdict}"


HTTP_RUNS = (
    ("http", "HTTP, 2 workers, 20 clients, 60 s: a minute at work"),
    ("http_cold", "the same, the worst minute: the officer's 3 reports built cold within it"),
)


def tables() -> str:
    runs = {(b, n): _load(f"{b}-{n}") for b in BACKENDS for n in SIZES}
    lines = [
        "Median / p95 at each size; ✓ or ✗ against the target, judged on p95 (on the median for a "
        "single run). The ratio is the median at 100,000 over the median at 10,000: 10 is linear.",
        "",
    ]
    for backend in BACKENDS:
        lines += [
            f"### {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}",
            "",
            "| what | target at 100,000 | 10,000 cases | 100,000 cases | ratio |",
            "|---|---|---|---|---|",
        ]
        for label, target, get in _rows(runs):
            small, large = get(runs[(backend, SIZES[0])]), get(runs[(backend, SIZES[1])])
            ratio = _ratio(small and small["median_ms"], large and large["median_ms"])
            lines.append(f"| {label} | {target} | {_cell(small)} | {_cell(large)} | {ratio} |")
        imports = [runs[(backend, n)].get("import") for n in SIZES]
        cells = [f"{i['seconds']:.0f} s {'✓' if i['met'] else '✗'}" if i else "—" for i in imports]
        secs = [i and i["seconds"] for i in imports]
        lines.append(f"| import of 10,000 case files | < 60 s | {cells[0]} | {cells[1]} | {_ratio(*secs)} |")
        for key, label in HTTP_RUNS:
            https = [runs[(backend, n)].get(key) for n in SIZES]
            cells = [
                f"p99 {_ms(h['p99_ms'])}, {h['errors']} errors, {h['requests']} requests {'✓' if h['met'] else '✗'}"
                if h
                else "—"
                for h in https
            ]
            p99 = [h and h["p99_ms"] for h in https]
            lines.append(f"| {label} | no errors, p99 < 500 ms | {cells[0]} | {cells[1]} | {_ratio(*p99)} |")
        builds = [runs[(backend, n)].get("build") for n in SIZES]
        cells = [f"{b['generate_s']:.0f} s ({b['generate_cases_per_s']} cases/s)" if b else "—" for b in builds]
        lines += [f"| `flask demo generate` (not a target) | minutes | {cells[0]} | {cells[1]} | — |", ""]
        lines += _bare_sql(backend, runs)
    engines = [_load(f"engine-{n}") for n in SIZES]
    cells = [f"{e['median_cases_per_s']:,} cases/s {'✓' if e['met'] else '✗'}" if e else "—" for e in engines]
    lines += [
        "### The pure engine (no database)",
        "",
        "| what | target | 10,000 cases | 100,000 cases |",
        "|---|---|---|---|",
        f"| every case evaluated in memory, median of 3 runs | ≥ 5,000 cases/s | {cells[0]} | {cells[1]} |",
        "",
    ]
    when = sorted({r["measured_at"] for r in runs.values() if r.get("measured_at")})
    if when:
        lines.append(f"Measured {when[0]} to {when[-1]} on this 2-core machine.")
    return "\n".join(lines)


def _bare_sql(backend: str, runs: dict[tuple[str, int], dict[str, Any]]) -> list[str]:
    lines = [
        "App time over bare SQL (the page's SELECT statements replayed on a raw cursor, medians):",
        "",
        "| page | 10,000: app / SQL | 100,000: app / SQL |",
        "|---|---|---|",
    ]
    for key in ("clerk_board", "lawyer_board", "case_page", "oversight_year"):
        cells = []
        for size in SIZES:
            measure = runs[(backend, size)].get("pages", {}).get("measures", {}).get(key)
            if measure:
                sql = measure["bare_sql"]
                cells.append(
                    f"{_ms(measure['median_ms'])} / {_ms(sql['median_ms'])} = ×{measure['app_over_sql']} "
                    f"({sql['statements']} statements)"
                )
            else:
                cells.append("—")
        lines.append(f"| {PAGES[key]} | {cells[0]} | {cells[1]} |")
    return [*lines, ""]


def main() -> None:
    text = DOCUMENT.read_text() if DOCUMENT.exists() else f"# Scale results\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOCUMENT.write_text(f"{head}{BEGIN}\n{tables()}\n{END}{tail}")
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
