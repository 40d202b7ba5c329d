"""Helpers for API and case-file tests: example files, token clients, row counts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from justice_tracker.auth.models import User
from justice_tracker.auth.sessions import create_api_token
from justice_tracker.db import db

# Copies of ../shared/examples/cases (test_examples_match_the_shared_copies keeps them in step).
EXAMPLES_DIR = Path(__file__).parent / "examples"
SHARED_EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "examples" / "cases"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES_DIR.glob("*.json"))


EXAMPLE_PARAMS = EXAMPLE_NAMES


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8")))


def row_counts() -> dict[str, int]:
    """Rows in every table (tokens' `last_used_at` changes, counts do not)."""
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) or 0 for t in db.metadata.sorted_tables}


class Api:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, app: Flask, secret: str) -> None:
        self.client = app.test_client()
        self.secret = secret
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, body: Any = None, **kwargs: Any):
        return self.client.post(url, json=body, headers=self.headers, **kwargs)


@pytest.fixture()
def api_for(app: Flask, make: Any):
    def build(user: User) -> Api:
        _row, secret = create_api_token(user, "tests")
        db.session.commit()
        return Api(app, secret)

    return build
