"""The rules engine and the timeline stay pure: importing them loads no Flask, SQLAlchemy or WeasyPrint."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("flask", "sqlalchemy", "weasyprint", "flask_sqlalchemy")


@pytest.mark.parametrize("package", ["justice_tracker.rules", "justice_tracker.timeline"])
def test_pure_packages_import_no_framework(package):
    script = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
