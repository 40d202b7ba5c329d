"""The project's own print assets: fonts, stylesheets and the logo a document may read, by name.

Print templates refer to them as `jt-asset:NAME` (`jt-asset:fonts/DejaVuSans.ttf`); `ASSETS` is
every file found under `reports/fonts`, `reports/css` and `reports/img` when the process starts.
`fetcher.AssetFetcher` serves these and nothing else. This module imports no WeasyPrint, so the
application (which lays out HTML and names assets) starts without it: WeasyPrint is loaded only
where a PDF is rendered, in the render worker.
"""

from __future__ import annotations

from pathlib import Path

REPORTS_DIR = Path(__file__).resolve().parent.parent.parent / "reports"
ASSET_SCHEME = "jt-asset:"
ASSET_FOLDERS = ("fonts", "css", "img")
TYPES = {".ttf": "font/ttf", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def _scan(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in ASSET_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            if path.is_file() and not path.is_symlink() and path.suffix in TYPES:
                found[f"{folder}/{path.name}"] = path
    return found


ASSETS: dict[str, Path] = _scan(REPORTS_DIR)


def asset_url(name: str) -> str:
    """`jt-asset:NAME` for a shipped asset; a name that is not shipped is a programming error."""
    if name not in ASSETS:
        raise KeyError(f"no print asset {name!r} under {REPORTS_DIR}")
    return ASSET_SCHEME + name
