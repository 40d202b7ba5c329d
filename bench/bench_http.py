"""Latency of the web pages under load: gunicorn, 20 clients (target: no errors, p99 under 500 ms).

    DATABASE_URL=… .venv/bin/python bench/bench_http.py [--seconds 60] [--clients 20] [--workers 2]
        [--officer steady|cold] [--redis URL|""] [--port 8765] [--warmup 5] [--seed 1] [--skip KIND,…] [--json OUT.json]

A benchmark, not a test. It serves DATABASE_URL, an already-built database (`db upgrade`,
`demo load`, `demo generate --cases N`: nothing is created or migrated here), with
`gunicorn --workers N wsgi:app` on loopback, in development mode as `make run` serves it (but
without the reloader) and with a fresh SECRET_KEY shared by the workers. Each client signs in
through the login form as a demo clerk, lawyer or the oversight user (in turn: 15, 4 and 1 of 20) and keeps its
own cookie. Then, with no pause between requests, it asks for pages chosen at random (fixed
seed) among its role's: for clerks and lawyers the board, the first and a later page of the
case list, and pages of cases and children they may see (ids read from the database
beforehand); for the oversight user the dashboard as it opens and over a calendar year. Only
GET requests; anything but a 200 is an error. The application runs with its defaults and, as the
README deploys it with more than one worker, with `REDIS_URL` (`--redis`, the machine's Redis,
database 14; its stored reports are forgotten first): an oversight report is built once per scope
and shared by the workers for five minutes (`oversight/cache.py`). With `--redis ""`, each worker
builds each scope once.

`--officer steady` (the default) is any minute at work: the officer's pages are asked for before
the load (alone, see below) and from the start of the warm-up, so its reports are mostly built
before counting starts and reused, as in four minutes out of five. `--officer cold` is the worst
minute: the officer starts when counting starts, with none of its three scopes built, so each is
built cold (1.5–2 s, holding a worker) inside the counted window, while the others are at work.

A request's latency runs from opening the connection to the last byte of the body, so it
includes the time queued behind the other clients' requests: with no pause, it is about the
number of clients divided by the requests served per second. Before the load, each page kind
is asked for once, alone, to show its own time (with `--officer cold`, the officer's is a year
the load does not ask for). The first `--warmup` seconds of load are not counted. It prints, per page kind and
overall, the requests, errors, requests/s and the median, p95, p99 and maximum latency. The
exit status is 0 whether or not the target is met; it is not 0 when the server does not start
or a demo user cannot sign in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from justice_tracker.config import normalise_database_url  # noqa: E402
from justice_tracker.oversight.report_store import PREFIX  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
DEMO_PASSWORD = "demo passphrase for training"  # noqa: S105 - the published demo password
CLERKS = tuple(f"clerk.{c}@demo.test" for c in ("gb", "br", "in", "fr", "ke"))
LAWYERS = ("lawyer@demo.test", "lawyer2@demo.test")
OVERSIGHT = ("oversight@demo.test",)
# Clients take these in turn: 20 clients give 15 clerks, 4 lawyers and one oversight officer, the
# people of a national registry at work (oversight officers are few, and their pages are heavy).
ROTATION = CLERKS * 3 + LAWYERS * 2 + OVERSIGHT
ROLE = {**dict.fromkeys(CLERKS, "clerk"), **dict.fromkeys(LAWYERS, "lawyer"), **dict.fromkeys(OVERSIGHT, "oversight")}
TARGET_P99_MS = 500.0
TARGET = "no errors, p99 < 500 ms"
REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 60.0
PAGE_SIZE = 25  # the app's default JT_PAGE_SIZE, for the number of case-list pages
SAMPLE_CASES = 500
MAX_ERROR_EXAMPLES = 5

# Relative weights of the page kinds each role asks for.
MIX = {
    "clerk": {"board": 30, "case_list": 15, "case_list_later": 10, "case": 35, "child": 10},
    "lawyer": {"board": 30, "case_list": 15, "case_list_later": 10, "case": 35, "child": 10},
    # The dashboard as it opens (the 12 months to now), and over a calendar year.
    "oversight": {"oversight_dashboard": 50, "oversight_year": 50},
}
KINDS = sorted({kind for mix in MIX.values() for kind in mix})

CSRF_INPUT = re.compile(rb'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(rb'value="([^"]*)"')


class Abort(Exception):
    """The benchmark cannot run (no demo data, a refused sign-in, a page that is not there)."""


# -- what each user may see ------------------------------------------------------------------------------------


@dataclass
class Visible:
    email: str
    role: str
    cases: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    total_cases: int = 0

    @property
    def list_pages(self) -> int:
        return max(1, math.ceil(self.total_cases / PAGE_SIZE))


def read_visible(url: str, seed: int) -> dict[str, Visible]:
    """Cases and children each demo user may open: a clerk's court's, a lawyer's clients'."""
    rng = random.Random(seed)
    engine = create_engine(normalise_database_url(url))
    found: dict[str, Visible] = {}
    try:
        with engine.connect() as conn:
            users = conn.execute(text("SELECT id, email, role, court_id FROM users")).all()
            for user_id, email, role, court_id in users:
                if email not in ROTATION:
                    continue
                if role == "clerk":
                    rows = conn.execute(
                        text("SELECT id, child_id FROM cases WHERE court_id = :c ORDER BY id"), {"c": court_id}
                    ).all()
                elif role == "lawyer":
                    rows = conn.execute(
                        text(
                            "SELECT c.id, c.child_id FROM cases c JOIN case_lawyers l ON l.case_id = c.id "
                            "WHERE l.user_id = :u ORDER BY c.id"
                        ),
                        {"u": user_id},
                    ).all()
                else:
                    rows = []
                picked = rng.sample(rows, min(SAMPLE_CASES, len(rows)))
                found[email] = Visible(
                    email,
                    role,
                    cases=[r[0] for r in picked],
                    children=sorted({r[1] for r in picked}),
                    total_cases=len(rows),
                )
    finally:
        engine.dispose()
    missing = [e for e in ROTATION if e not in found]
    if missing:
        raise Abort(f"demo users missing from the database (run `flask demo load`): {', '.join(missing)}")
    empty = [v.email for v in found.values() if v.role in ("clerk", "lawyer") and not v.cases]
    if empty:
        raise Abort(f"no cases to open for {', '.join(empty)} (run `flask demo generate`)")
    return found


def oversight_scopes(today: datetime) -> list[str]:
    """Calendar years: the last whole one, and this one so far (a date alone of today means up to now)."""
    last = today.year - 1
    return [
        urlencode({"from": f"{last}-01-01", "to": f"{last}-12-31"}),
        urlencode({"from": f"{today.year}-01-01", "to": today.date().isoformat()}),
    ]


def preflight_scope(today: datetime) -> str:
    """The year before last: a report of its own, so that the load's scopes are still to be built."""
    year = today.year - 2
    return urlencode({"from": f"{year}-01-01", "to": f"{year}-12-31"})


def page_url(kind: str, seen: Visible, rng: random.Random, scopes: list[str]) -> str:
    if kind == "board":
        # Mostly the default board, sometimes narrowed to breaches as a clerk would.
        return "/board" if rng.random() < 0.8 else "/board?status=breached"
    if kind == "case_list":
        return "/cases"
    if kind == "case_list_later":
        return f"/cases?page={rng.randint(2, max(2, seen.list_pages))}"
    if kind == "case":
        return f"/cases/{rng.choice(seen.cases)}"
    if kind == "child":
        return f"/children/{rng.choice(seen.children)}"
    if kind == "oversight_dashboard":
        return "/oversight/"
    if kind == "oversight_year":
        return "/oversight/?" + rng.choice(scopes)
    raise ValueError(kind)


# -- a minimal HTTP/1.1 client: one connection per request, as gunicorn's sync workers close it anyway ------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


async def request(port: int, method: str, path: str, cookies: dict[str, str], body: bytes | None = None) -> Response:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "User-Agent: jt-bench", "Connection: close"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _sep, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = [(k.strip(), v.strip()) for k, _c, v in (h.partition(":") for h in header_lines)]
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _eq, rest = value.partition("=")
            content = rest.split(";", 1)[0]
            if content and "expires=thu, 01 jan 1970" not in value.lower():
                cookies[key] = content
            else:
                cookies.pop(key, None)
    return Response(status, headers, payload)


async def sign_in(port: int, email: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    form = await request(port, "GET", "/login", cookies)
    tag = CSRF_INPUT.search(form.body)
    token = VALUE.search(tag.group(0)) if tag else None
    if form.status != 200 or token is None:
        raise Abort(f"GET /login answered {form.status} without a CSRF token")
    body = urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": DEMO_PASSWORD}).encode()
    answer = await request(port, "POST", "/login", cookies, body)
    # A successful sign-in redirects; a refused one shows the form again with 200.
    if answer.status != 302:
        raise Abort(f"{email} could not sign in: POST /login answered {answer.status}")
    return cookies


# -- the load --------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Not counted, but shown: a warm-up request slow enough to hold a worker skews the window.
    warmup_requests: int = 0
    warmup_errors: list[str] = field(default_factory=list)


async def fetch(port: int, url: str, cookies: dict[str, str]) -> tuple[float, str | None]:
    """Latency in ms and the problem, if any (never the body: it may carry a child's name)."""
    started = time.perf_counter()
    try:
        answer = await asyncio.wait_for(request(port, "GET", url, cookies), REQUEST_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        return (time.perf_counter() - started) * 1000, f"{type(exc).__name__}"
    ms = (time.perf_counter() - started) * 1000
    if answer.status == 200:
        return ms, None
    if answer.status == 0:
        # What a client sees when gunicorn kills a worker past its timeout (30 s by default).
        return ms, "no response"
    location = answer.header("location") or ""
    return ms, f"{answer.status}" + (" → /login (signed out)" if "/login" in location else "")


async def client(
    index: int, port: int, seen: Visible, cookies: dict[str, str], args, scopes: list[str], mix, run: Run, window
) -> None:
    rng = random.Random(args.seed * 1000 + index)
    kinds, weights = list(mix), list(mix.values())
    count_from, stop_at = window
    if seen.role == "oversight" and args.officer == "cold":
        # The officer's reports are built within the counted window, cold, with the others at work.
        await asyncio.sleep(max(0.0, count_from - time.perf_counter()))
    while (now := time.perf_counter()) < stop_at:
        kind = rng.choices(kinds, weights)[0]
        url = page_url(kind, seen, rng, scopes)
        ms, problem = await fetch(port, url, cookies)
        counted = now >= count_from
        if counted:
            run.samples.append(Sample(kind, ms, problem is None))
        else:
            run.warmup_requests += 1
        if problem is not None:
            (run.errors if counted else run.warmup_errors).append(f"{problem} GET {url} ({seen.role})")


async def preflight(
    port: int, users: dict[str, Visible], sessions: dict[str, dict[str, str]], scopes, mix, cold: bool
) -> None:
    """Each page kind once for one user of each role, one at a time, and its time without load.

    A page that sends the client elsewhere (a wrong URL, role or session) stops the run; a slow or
    failing page does not: the run measures it.
    """
    rng = random.Random(0)
    print("one request at a time (ms):")
    for email, seen in users.items():
        times = []
        kinds, asked = mix[seen.role], scopes
        if seen.role == "oversight" and cold:
            # The officer's cold report time, on a scope the load does not ask for (`preflight_scope`).
            kinds, asked = ["oversight_year"], [preflight_scope(datetime.now(UTC))]
        for kind in kinds:
            url = page_url(kind, seen, rng, asked)
            ms, problem = await fetch(port, url, sessions[email])
            if problem is not None and problem[0] in "34":
                raise Abort(f"preflight: {seen.role} GET {url} answered {problem}")
            times.append(f"{kind} {ms:.0f}" + (f" ({problem})" if problem else ""))
        print(f"  {seen.role}: {', '.join(times)}")


async def load(port: int, users: dict[str, Visible], args) -> Run:
    mix = {role: {k: w for k, w in kinds.items() if k not in args.skip} for role, kinds in MIX.items()}
    scopes = oversight_scopes(datetime.now(UTC))
    emails = [ROTATION[i % len(ROTATION)] for i in range(args.clients)]
    started = time.perf_counter()
    # One session per client: successful sign-ins are not counted by the login throttle, failed ones are.
    cookies = [await sign_in(port, email) for email in emails]
    print(f"{len(cookies)} clients signed in in {time.perf_counter() - started:.1f} s")
    first: dict[str, dict[str, str]] = {}
    for email, jar in zip(emails, cookies, strict=True):
        if users[email].role not in {users[e].role for e in first}:
            first[email] = jar
    await preflight(port, {e: users[e] for e in first}, first, scopes, mix, args.officer == "cold")
    run = Run()
    now = time.perf_counter()
    window = (now + args.warmup, now + args.warmup + args.seconds)
    print(f"warm-up {args.warmup:g} s, then {args.seconds:g} s counted…", flush=True)
    await asyncio.gather(
        *(
            client(i, port, users[email], jar, args, scopes, mix[users[email].role], run, window)
            for i, (email, jar) in enumerate(zip(emails, cookies, strict=True))
        )
    )
    return run


# -- the server ------------------------------------------------------------------------------------------------


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As gunicorn binds: connections of an earlier run left in TIME_WAIT do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def forget_reports(redis_url: str) -> None:
    """No report of an earlier run (they would be ignored anyway: signed with its own key)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        for name in client.scan_iter(f"{PREFIX}*"):
            client.delete(name)
    except redis.RedisError as exc:
        raise SystemExit(f"--redis {redis_url}: {exc} (start Redis, or run without it: --redis '')") from None


def start_server(args, log) -> subprocess.Popen:
    env = dict(os.environ)
    # `make run`'s mode (development: production refuses SQLite), never debug, one key for every worker.
    env["JT_ENV"] = "development"
    env.pop("FLASK_DEBUG", None)
    env["SECRET_KEY"] = secrets.token_urlsafe(48)
    env["REDIS_URL"] = args.redis
    command = [GUNICORN, "--workers", str(args.workers), "--threads", str(args.threads)]
    command += ["--bind", f"{HOST}:{args.port}", "wsgi:app"]
    # Its own session: Ctrl-C reaches only this script, which then stops gunicorn itself.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


async def wait_ready(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            if (await asyncio.wait_for(request(port, "GET", "/login", {}), 5)).status == 200:
                return
        except (OSError, TimeoutError):
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer GET /login within {START_TIMEOUT:g} s")


def stop_server(server: subprocess.Popen) -> None:
    # SIGINT is gunicorn's quick shutdown (SIGTERM would wait for a slow request), sent to its workers too.
    # The group is gunicorn's own (start_new_session) and still exists while the master has not been reaped.
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(10)
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


# -- the report ------------------------------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(samples: list[Sample], seconds: float) -> dict:
    ordered = sorted(s.ms for s in samples)
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "rps": round(len(samples) / seconds, 1),
        "median_ms": round(percentile(ordered, 50), 1),
        "p95_ms": round(percentile(ordered, 95), 1),
        "p99_ms": round(percentile(ordered, 99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


def report(run: Run, args) -> dict:
    kinds = sorted({s.kind for s in run.samples})
    per_page = {k: summary([s for s in run.samples if s.kind == k], args.seconds) for k in kinds}
    overall = summary(run.samples, args.seconds)
    columns = ("requests", "errors", "rps", "median_ms", "p95_ms", "p99_ms", "max_ms")
    print(f"\n{'page':<22}" + "".join(f"{c.removesuffix('_ms'):>10}" for c in columns) + "   (times in ms)")
    for name, row in [*per_page.items(), ("all", overall)]:
        print(f"{name:<22}" + "".join(f"{row[c]:>10}" for c in columns))
    if run.errors:
        print(f"\n{len(run.errors)} error(s); the first: " + "; ".join(run.errors[:MAX_ERROR_EXAMPLES]))
    warm = run.warmup_errors
    print(f"\nwarm-up (not counted): {run.warmup_requests} requests, {len(warm)} errors", end="")
    print(("; the first: " + "; ".join(warm[:MAX_ERROR_EXAMPLES])) if warm else "")
    met = overall["requests"] > 0 and overall["errors"] == 0 and overall["p99_ms"] < TARGET_P99_MS
    print(f"\ntarget ({TARGET}): {'met' if met else 'NOT met'}")
    return {
        "name": "http_load",
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "redis": bool(args.redis),
        "officer": args.officer,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "seed": args.seed,
        "skipped": sorted(args.skip),
        **{k: overall[k] for k in ("requests", "errors")},
        "rps": overall["rps"],
        **{k: overall[k] for k in ("median_ms", "p95_ms", "p99_ms", "max_ms")},
        "per_page": per_page,
        "error_examples": run.errors[:MAX_ERROR_EXAMPLES],
        "warmup": {"requests": run.warmup_requests, "errors": len(run.warmup_errors)},
        "target": TARGET,
        "met": met,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load counted")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread workers)")
    parser.add_argument("--officer", choices=["steady", "cold"], default="steady", help="see the module's docstring")
    parser.add_argument("--redis", default=REDIS_URL, help="REDIS_URL for the workers; empty: none")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before counting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", default="", help=f"page kinds to leave out, comma-separated: {', '.join(KINDS)}")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    # Progress shows as it happens when the output goes to a file.
    sys.stdout.reconfigure(line_buffering=True)
    args.skip = {k.strip() for k in args.skip.split(",") if k.strip()}
    if args.skip - set(KINDS):
        parser.error(f"unknown page kinds: {', '.join(sorted(args.skip - set(KINDS)))}")
    roles = {ROLE[ROTATION[i % len(ROTATION)]] for i in range(args.clients)}
    if any(set(MIX[role]) <= args.skip for role in roles):
        parser.error("--skip leaves a role with no page to ask for")
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL to an already-built database (db upgrade, demo load, demo generate)")
    print(f"database: {url.split('@')[-1]}")
    try:
        users = read_visible(url, args.seed)
    except Abort as exc:
        raise SystemExit(str(exc)) from None
    for role in ("clerk", "lawyer"):
        counts = [v.total_cases for v in users.values() if v.role == role]
        print(f"{role}s see {min(counts)}–{max(counts)} cases each")
    if args.redis:
        forget_reports(args.redis)
    if not port_free(args.port):
        raise SystemExit(f"port {args.port} is in use: choose another with --port")
    # SIGTERM as well as Ctrl-C must reach the `finally` that stops gunicorn.
    signal.signal(signal.SIGTERM, _interrupt)
    # The server's log is kept, unprinted (a traceback may quote a record), only when something went wrong.
    fd, log_name = tempfile.mkstemp(prefix="jt-bench-http-", suffix=".log")
    keep_log = False
    with os.fdopen(fd, "w") as log:
        server = start_server(args, log)
        try:
            try:
                asyncio.run(wait_ready(server, args.port))
            except RuntimeError as exc:
                keep_log = True
                raise SystemExit(f"the server did not start: {exc}; its log: {log_name}") from None
            threads = f" × {args.threads} threads" if args.threads > 1 else ""
            redis = "reports shared through Redis" if args.redis else "no Redis"
            print(f"gunicorn: {args.workers} workers{threads} on {HOST}:{args.port}; {args.clients} clients; {redis}")
            print(f"officer: {args.officer}")
            try:
                run = asyncio.run(load(args.port, users, args))
            except Abort as exc:
                keep_log = True
                raise SystemExit(f"{exc}; the server's log: {log_name}") from None
            keep_log = bool(run.errors or run.warmup_errors)
        finally:
            stop_server(server)
            if not keep_log:
                Path(log_name).unlink()
    if keep_log:
        print(f"the server's log: {log_name}")
    results = report(run, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; the server was stopped", file=sys.stderr)
        sys.exit(130)
