"""SECURITY.md 22: the URL fetcher serves the project's print assets and refuses everything else.

No database here: the fetcher alone, then the render worker fed hostile HTML directly
(markup that the autoescaped templates never let through), to show that even then
nothing outside the assets is read, fetched or embedded.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.request import HTTPRedirectHandler

import pytest
from weasyprint.urls import URLFetchingError, fetch

from justice_tracker.documents.engine import Limits, render_pdf
from justice_tracker.documents.fetcher import ASSETS, REPORTS_DIR, AssetFetcher, RefusedURL, asset_url
from tests.documents.conftest import pdf_reader, pdf_text

REFUSED = [
    "file:///etc/passwd",
    "file:///etc/hostname",
    (REPORTS_DIR / "fonts" / "DejaVuSans.ttf").as_uri(),  # even a shipped file, when asked as a file: URL
    "http://127.0.0.1:5000/api/v1/me",
    "http://localhost/",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "https://example.org/logo.png",
    "data:text/plain,hello",
    "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    "ftp://127.0.0.1/file",
    "jt-asset:../../../etc/passwd",
    "jt-asset:fonts/../../../../etc/passwd",
    "jt-asset:/etc/passwd",
    "jt-asset:fonts/DejaVuSans.ttf?x=1",
    "jt-asset:fonts/DejaVuSans.ttf#frag",
    "jt-asset:fonts/missing.ttf",
    "JT-ASSET:fonts/DejaVuSans.ttf",
    "relative/path.css",
]


def test_every_shipped_asset_is_served_with_its_type():
    fetcher = AssetFetcher()
    assert {"fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "css/print.css", "img/logo.svg"} <= set(ASSETS)
    for name, path in ASSETS.items():
        response = fetcher(asset_url(name))
        assert response.read() == path.read_bytes()
    assert fetcher(asset_url("css/print.css")).content_type == "text/css"
    assert fetcher.refused == [] and len(fetcher.fetched) == len(ASSETS) + 1


@pytest.mark.parametrize("url", REFUSED)
def test_everything_else_is_refused_when_called_directly(url):
    fetcher = AssetFetcher()
    with pytest.raises(RefusedURL):
        fetcher(url)
    # As WeasyPrint calls it: the refusal becomes a (caught) fetching error, nothing is read.
    with pytest.raises(URLFetchingError), fetch(fetcher, url):
        pass
    assert fetcher.fetched == [] and fetcher.refused == [url, url]


def test_the_fetcher_follows_no_redirect_and_allows_no_protocol_underneath():
    fetcher = AssetFetcher()
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)
    with pytest.raises(RefusedURL):
        fetcher.open("http://127.0.0.1/redirect-me")


def test_the_worker_reads_nothing_but_assets_even_from_raw_markup():
    hostile = (
        "<html><head><title>REF-1</title>"
        '<link rel="stylesheet" href="http://127.0.0.1:8080/x.css">'
        '<link rel="attachment" href="file:///etc/hostname">'
        '<style>@import url("file:///etc/passwd"); p { background: url("http://169.254.169.254/") }</style></head>'
        '<body><p>text</p><img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<object data="file:///etc/passwd"></object><embed src="file:///etc/hostname">'
        '<a rel="attachment" href="file:///etc/passwd">attach</a>'
        f'<img src="{asset_url("img/logo.svg")}" alt=""></body></html>'
    )
    result = render_pdf(hostile, Limits())
    assert result.fetched == (asset_url("img/logo.svg"),)
    assert "file:///etc/passwd" in result.refused and "http://127.0.0.1:8080/x.css" in result.refused
    reader = pdf_reader(result.pdf)
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in (reader.trailer["/Root"].get("/Names") or {})
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
    assert "root:x:0:0" not in pdf_text(result.pdf)


def test_the_render_worker_loads_no_flask_and_no_database():
    script = (
        "import sys, justice_tracker.documents.worker as w, justice_tracker.documents.fetcher\n"
        "w.render({'html': '<p>x</p>', 'max_pages': 1})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
