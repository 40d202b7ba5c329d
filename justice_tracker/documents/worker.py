"""The PDF render worker: a separate process that turns HTML into PDF with WeasyPrint.

Started by `engine.WorkerPool` as `python -m justice_tracker.documents.worker MEMORY_MB`.
It caps its own address space (`RLIMIT_AS`), says it is ready, then answers jobs
read from standard input until standard input closes. A job that runs too long is
ended by the parent killing this process; one that needs too much memory fails here
with MemoryError (or the process dies), and the parent starts a fresh worker.

Frames on both pipes are an 8-byte big-endian length and that many bytes. A job is a
JSON object {"html", "max_pages"}; the answer is a JSON object {"ok", "error",
"pages", "fetched", "refused"} followed by a frame with the PDF (empty on failure).
No Flask, no database: only the HTML string, WeasyPrint and `fetcher.AssetFetcher`.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
from typing import Any, BinaryIO

FRAME_HEADER = 8


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(FRAME_HEADER)
    if len(header) < FRAME_HEADER:
        return None
    size = int.from_bytes(header, "big")
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


def write_frame(stream: BinaryIO, body: bytes) -> None:
    stream.write(len(body).to_bytes(FRAME_HEADER, "big"))
    stream.write(body)


def write_json(stream: BinaryIO, value: dict[str, Any]) -> None:
    write_frame(stream, json.dumps(value).encode())


def render(job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Render one job; the answer says what was fetched and refused, whatever the outcome."""
    from weasyprint import HTML

    from justice_tracker.documents.fetcher import AssetFetcher

    fetcher = AssetFetcher()
    answer: dict[str, Any] = {"ok": False, "error": None, "pages": 0}
    pdf = b""
    try:
        document = HTML(string=job["html"], base_url=None, url_fetcher=fetcher).render()
        answer["pages"] = len(document.pages)
        if answer["pages"] > job["max_pages"]:
            answer["error"] = "too_many_pages"
        else:
            # Nothing is ever attached to a document, whatever its HTML says; its only
            # metadata is the title the template gives (the case reference).
            document.metadata.attachments = []
            document.metadata.authors = []
            document.metadata.keywords = []
            document.metadata.description = None
            pdf = document.write_pdf()
            answer["ok"] = True
    except MemoryError:
        answer["error"] = "memory"
    answer["fetched"] = fetcher.fetched
    answer["refused"] = fetcher.refused
    return answer, pdf


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def main(argv: list[str]) -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything printed by a library must not corrupt the frames on standard output.
    sys.stdout = sys.stderr
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    logging.getLogger("weasyprint.progress").setLevel(logging.CRITICAL)
    import weasyprint  # noqa: F401 - imported before saying ready, so a job's time is rendering only

    _limit_memory(int(argv[1]) if len(argv) > 1 else 0)
    write_json(stdout, {"ready": True})
    stdout.flush()
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return 0
        answer, pdf = render(json.loads(frame))
        write_json(stdout, answer)
        write_frame(stdout, pdf)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
