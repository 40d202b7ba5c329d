"""The only way WeasyPrint may read anything: the project's own print assets, by name.

Print templates refer to their fonts, stylesheets and logo as `jt-asset:NAME`
(`jt-asset:fonts/DejaVuSans.ttf`). `AssetFetcher` serves exactly the files found
under `reports/fonts`, `reports/css` and `reports/img` when the process starts
(`assets.ASSETS`), looked up by name in that list (so no path, `..` or link can lead
elsewhere), and refuses every other URL: `file:`, `http:`/`https:` (loopback, metadata
services, anything), `data:`, `ftp:`, unknown schemes, asset names with a query or
fragment. It never opens a network connection, so there is no redirect to follow.

Every call is logged in `fetched` or `refused`, so a render can prove what it read.
This module imports WeasyPrint but no Flask: the render worker uses it on its own. The
application imports `assets` instead, so that it starts without WeasyPrint.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from justice_tracker.documents.assets import ASSET_SCHEME, ASSETS, REPORTS_DIR, TYPES, asset_url

# The asset list is named here too: it is what this fetcher serves, and what its tests check.
__all__ = ["ASSETS", "ASSET_SCHEME", "REPORTS_DIR", "AssetFetcher", "RefusedURL", "asset_url"]

MAX_LOGGED_URL = 200


class RefusedURL(ValueError):
    """A URL the document may not read. WeasyPrint catches it and leaves the resource out."""


class AssetFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher (`URLFetcher` subclass) that serves the print assets and nothing else."""

    def __init__(self, assets: dict[str, Path] | None = None) -> None:
        # No protocol is allowed to the urllib machinery underneath, and no redirect: `fetch` below
        # never calls it, and if anything did, it would refuse.
        super().__init__(timeout=1, allowed_protocols=frozenset(), allow_redirects=False, fail_on_errors=False)
        self.assets = ASSETS if assets is None else assets
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self._asset(url)
        if path is None:
            self.refused.append(url[:MAX_LOGGED_URL])
            raise RefusedURL("only the project's own print assets may be read")
        self.fetched.append(url)
        content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def open(self, url: object, data: object = None, timeout: object = None) -> URLFetcherResponse:
        return self.fetch(getattr(url, "full_url", str(url)))

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def _asset(self, url: str) -> Path | None:
        if not isinstance(url, str) or not url.startswith(ASSET_SCHEME):
            return None
        return self.assets.get(url[len(ASSET_SCHEME) :])
