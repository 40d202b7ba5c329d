"""Bounded PDF rendering: HTML in, PDF out, in worker processes that a watchdog can stop.

The web process never runs WeasyPrint itself. `render_pdf` hands the HTML to an
idle worker (`worker.py`, a separate Python process with its own memory cap) and
waits; a watchdog timer kills the worker when the time limit passes. A document
that takes too long, needs too much memory or has too many pages therefore fails
with a clear `RenderFailed`, and only its own worker is lost: other requests keep
their threads, their database sessions and their own workers. At most
`PDF_WORKERS` renders run at once per web process; a request that waits longer
than the time limit for a free slot is told to try again.

Limits come from the application's settings, or `JT_…` environment variables:

| setting | default | meaning |
|---|---|---|
| `PDF_TIMEOUT_SECONDS` | 30 | a render still running after this is stopped |
| `PDF_MEMORY_MB` | 1536 | address-space cap of each worker process |
| `PDF_MAX_PAGES` | 200 | a longer document is refused |
| `PDF_MAX_EVENTS` | 2000 | a case with more events is refused before rendering |
| `PDF_WORKERS` | 2 | renders at once in one web process |
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from justice_tracker import ROOT
from justice_tracker.documents.worker import read_frame, write_frame
from justice_tracker.errors import DomainError

STARTUP_SECONDS = 60
JOBS_PER_WORKER = 200
# What a worker inherits of the environment: enough for Python and fontconfig, no secret (database URL,
# SECRET_KEY, mail password) that a document could ever reach.
WORKER_ENV = ("PATH", "HOME", "LANG", "TMPDIR", "TZ")
WORKER_ENV_PREFIXES = ("LC_", "FONTCONFIG", "XDG_")


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 30.0
    memory_mb: int = 1536
    max_pages: int = 200
    max_events: int = 2000
    workers: int = 2

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """Each limit from `config["PDF_<NAME>"]`, else the `JT_PDF_<NAME>` environment variable, else its default."""
        names = {
            "timeout_seconds": "PDF_TIMEOUT_SECONDS",
            "memory_mb": "PDF_MEMORY_MB",
            "max_pages": "PDF_MAX_PAGES",
            "max_events": "PDF_MAX_EVENTS",
            "workers": "PDF_WORKERS",
        }
        values: dict[str, Any] = {}
        for item in fields(cls):
            key = names[item.name]
            raw = config.get(key, os.environ.get(f"JT_{key}"))
            if raw is not None:
                kind = float if item.name == "timeout_seconds" else int
                values[item.name] = kind(raw)
        return cls(**values)


class RenderFailed(DomainError):
    """A document could not be rendered within the limits; the message says which and what to do."""

    status = 422

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class RenderUnavailable(RenderFailed):
    """The renderer was busy or stopped a document that ran too long: trying later may work."""

    status = 503


@dataclass(frozen=True)
class RenderResult:
    pdf: bytes
    pages: int
    fetched: tuple[str, ...]
    refused: tuple[str, ...]


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.owner = os.getpid()
        self.jobs = 0
        self.expired = False
        env = {k: v for k, v in os.environ.items() if k in WORKER_ENV or k.startswith(WORKER_ENV_PREFIXES)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell, no user input
            [sys.executable, "-m", "justice_tracker.documents.worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=str(ROOT),
            env=env,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        timer = threading.Timer(STARTUP_SECONDS, self.kill)
        timer.daemon = True
        timer.start()
        try:
            frame = read_frame(self.process.stdout)  # type: ignore[arg-type]
        finally:
            timer.cancel()
        if frame is None or not json.loads(frame).get("ready"):
            self.kill()
            raise RenderUnavailable("The PDF renderer could not start. Try again later.", "worker_start")

    def run(self, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        self.jobs += 1
        timer = threading.Timer(timeout, self._expire)
        timer.daemon = True
        timer.start()
        try:
            write_frame(self.process.stdin, json.dumps(job).encode())  # type: ignore[arg-type]
            self.process.stdin.flush()  # type: ignore[union-attr]
            answer = read_frame(self.process.stdout)  # type: ignore[arg-type]
            pdf = read_frame(self.process.stdout)  # type: ignore[arg-type]
        except OSError:
            answer = pdf = None
        finally:
            timer.cancel()
        if answer is None or pdf is None:
            self.kill()
            if self.expired:
                raise RenderUnavailable(
                    f"The document took longer than the {timeout:g} s rendering limit and was stopped. "
                    "Try again later, or ask an administrator about the PDF limits.",
                    "timeout",
                )
            raise RenderFailed(
                "The PDF renderer stopped while rendering this document (it may need more memory than the limit).",
                "worker_died",
            )
        return json.loads(answer), pdf

    def _expire(self) -> None:
        self.expired = True
        self.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    @property
    def usable(self) -> bool:
        # A worker started by a parent process (before a server forked) is that parent's: never share its pipes.
        mine = self.owner == os.getpid()
        return mine and self.process.poll() is None and not self.expired and self.jobs < JOBS_PER_WORKER


class WorkerPool:
    """Idle workers kept warm between renders, and a cap on renders at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._slots: dict[int, threading.BoundedSemaphore] = {}

    def _semaphore(self, size: int) -> threading.BoundedSemaphore:
        with self._lock:
            return self._slots.setdefault(size, threading.BoundedSemaphore(max(1, size)))

    def _checkout(self, memory_mb: int) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.usable and worker.memory_mb == memory_mb:
                    return worker
                if worker.owner == os.getpid():
                    worker.kill()
        return _Worker(memory_mb)

    def _checkin(self, worker: _Worker, keep: int) -> None:
        with self._lock:
            if worker.usable and len(self._idle) < keep:
                self._idle.append(worker)
                return
        worker.kill()

    def render(self, html: str, limits: Limits) -> RenderResult:
        slots = self._semaphore(limits.workers)
        if not slots.acquire(timeout=limits.timeout_seconds):
            raise RenderUnavailable("Too many documents are being rendered right now. Try again shortly.", "busy")
        try:
            worker = self._checkout(limits.memory_mb)
            answer, pdf = worker.run({"html": html, "max_pages": limits.max_pages}, limits.timeout_seconds)
            self._checkin(worker, limits.workers)
        finally:
            slots.release()
        if answer.get("error") == "too_many_pages":
            raise RenderFailed(
                f"The document would have {answer['pages']} pages, more than the limit of {limits.max_pages}. "
                "Print it for an earlier date (as_of), or ask an administrator to raise the limit.",
                "too_many_pages",
            )
        if not answer.get("ok"):
            raise RenderFailed(
                "The document needed more memory than the rendering limit allows and was stopped.", "memory"
            )
        return RenderResult(pdf, answer["pages"], tuple(answer["fetched"]), tuple(answer["refused"]))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


POOL = WorkerPool()
atexit.register(POOL.close)


def render_pdf(html: str, limits: Limits) -> RenderResult:
    return POOL.render(html, limits)
