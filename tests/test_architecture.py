"""The rules engine, the timeline and the programme engine stay pure: importing them loads no Flask,
SQLAlchemy or WeasyPrint. A package is checked with every module under it; a module on its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("flask", "sqlalchemy", "weasyprint", "flask_sqlalchemy")


PURE = [
    "justice_tracker.rules",
    "justice_tracker.timeline",
    # The programmes package also holds models and views: its pure modules are checked one by one.
    "justice_tracker.programmes.vocabulary",
    "justice_tracker.programmes.eligibility",
    "justice_tracker.programmes.suggestions",
    "justice_tracker.programmes.referrals",
    "justice_tracker.programmes.last_resort",
    # Oversight: small-cell suppression, the tables it protects and the charts drawn from them.
    "justice_tracker.oversight.suppression",
    "justice_tracker.oversight.tables",
    "justice_tracker.oversight.charts",
]


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_framework(package):
    script = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
