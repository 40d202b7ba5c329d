"""Every route declares its access rule; anonymous and wrong-role requests are refused.

SECURITY.md 1 and 3: the walk covers every rule in the URL map, so a new route
without a declared rule fails here.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.access import rule_for
from justice_tracker.auth.models import Role
from justice_tracker.db import db

PUBLIC_ENDPOINTS = {"auth.login", "home.health", "static"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("testing_"):
            continue
        yield rule


def _url(rule, ids) -> str:
    """Fill a rule's placeholders with ids of real objects (or harmless values)."""
    path = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if converter == "AnyConverter":
            value = sorted(rule._converters[name].items)[0] if hasattr(rule._converters[name], "items") else "courts"
        else:
            value = ids.get(name, 1)
        path = re.sub(r"<(?:[^:<>]+:)?" + name + r"(?:\([^)]*\))?>", str(value), path)
        path = re.sub(r"<[^<>]*:" + name + r">", str(value), path)
    return path


def test_every_route_declares_an_access_rule(app):
    missing = [rule.endpoint for rule in _routes(app) if rule_for(app.view_functions[rule.endpoint]) is None]
    assert missing == []


def test_only_the_allow_list_is_public(app):
    public = {rule.endpoint for rule in _routes(app) if rule_for(app.view_functions[rule.endpoint]).public}
    assert public <= PUBLIC_ENDPOINTS


@pytest.fixture()
def world(make):
    court = make.court("GB-EAW")
    lawyer = make.user(Role.LAWYER)
    case = make.case(court=court, lawyers=[lawyer])
    ids = {"case_id": case.id, "child_id": case.child_id, "user_id": lawyer.id, "event_id": 1, "token_id": 1}
    return {"court": court, "case": case, "lawyer": lawyer, "ids": ids}


def test_anonymous_requests_are_refused_everywhere_but_the_allow_list(app, client, world):
    for rule in _routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _url(rule, world["ids"])
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                assert response.status_code in (302, 400), (method, url, response.status_code)
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_an_answer_and_never_a_500(app, make, client_for, world, role):
    user = world["lawyer"] if role == Role.LAWYER else make.user(role, court=world["court"])
    client = client_for(user)
    for rule in _routes(app):
        if "GET" not in rule.methods or rule.endpoint in ("auth.logout",):
            continue
        url = _url(rule, world["ids"])
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        allowed = rule_for(app.view_functions[rule.endpoint]).roles
        if role not in allowed:
            assert response.status_code == 403, (role, url, response.status_code)


def test_oversight_gets_403_on_every_record_page_and_it_is_audited(app, make, client_for, world):
    client = client_for(make.user(Role.OVERSIGHT))
    record_rules = [r for r in _routes(app) if {"case_id", "child_id"} & set(r.arguments) and "GET" in r.methods]
    assert record_rules, "no record-level routes found to check"
    before = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied"))
    for rule in record_rules:
        response = client.get(_url(rule, world["ids"]))
        assert response.status_code == 403, rule.rule
    db.session.expire_all()
    after = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied"))
    assert after - before == len(record_rules)
