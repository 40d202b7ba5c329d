"""The draft application for release: written from a per-jurisdiction template, edited by the lawyer.

A draft is plain text in a small Markdown subset (`#` headings, `-` list items,
paragraphs separated by blank lines), so it can be downloaded as a `.md` file and
edited in any text editor, or edited in the browser and printed. Templates live in
`reports/applications/<pack code in lower case>.md`, falling back to `default.md`;
they are Jinja templates without HTML escaping (their output is text, which the
print templates escape when they lay it out).

`blocks()` turns a (possibly edited) draft into headings, paragraphs and lists for
the print template: text only, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from justice_tracker.documents.assets import REPORTS_DIR

MAX_DRAFT_CHARS = 20_000


def template_name(jurisdiction_code: str) -> str:
    name = f"applications/{jurisdiction_code.lower()}.md"
    return name if (REPORTS_DIR / name).is_file() else "applications/default.md"


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "subheading", "paragraph" or "list"
    lines: list[str]


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("paragraph", paragraph.copy()))
            paragraph.clear()
        if items:
            out.append(Block("list", items.copy()))
            items.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            out.append(Block("heading" if level == 1 else "subheading", [stripped.lstrip("#").strip()]))
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(stripped[2:].strip())
        elif items and raw.startswith("  "):
            items[-1] = f"{items[-1]} {stripped}"
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return out
