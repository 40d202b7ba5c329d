"""Reading stored deadlines: their status at any instant, in SQL, and the boards' queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, literal, select
from sqlalchemy.sql import Select

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.rules.model import Status


def status_at(at: datetime) -> ColumnElement[str]:
    """A deadline's status at instant `at`, computed by the database from its stored instants."""
    return case(
        (CaseDeadline.open.is_(False), CaseDeadline.status),
        (
            CaseDeadline.due < at,
            case(
                (CaseDeadline.advisory.is_(True), literal(Status.ADVISORY_UNMET.value)),
                else_=literal(Status.BREACHED.value),
            ),
        ),
        (CaseDeadline.at_risk_from <= at, literal(Status.AT_RISK.value)),
        else_=literal(Status.PENDING.value),
    )


def visible_cases(user: User) -> ColumnElement[bool]:
    """The cases a user may see on a board: a clerk's court, a lawyer's clients, everything for admins."""
    if user.role == Role.ADMIN:
        return literal(True)
    if user.role == Role.CLERK and user.court_id is not None:
        return Case.court_id == user.court_id
    if user.role == Role.LAWYER:
        return Case.id.in_(select(CaseLawyer.case_id).where(CaseLawyer.user_id == user.id))
    return literal(False)


def needing_attention(user: User, at: datetime, *, include_advisory: bool = True) -> Select:
    """Open deadlines of open cases that are at risk or past due at `at`, most urgent first."""
    stmt = (
        select(CaseDeadline, status_at(at).label("status_now"))
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(
            visible_cases(user),
            Case.status == CaseStatus.OPEN,
            CaseDeadline.open.is_(True),
            CaseDeadline.at_risk_from <= at,
        )
        .order_by(CaseDeadline.due, CaseDeadline.id)
    )
    if not include_advisory:
        stmt = stmt.where(CaseDeadline.advisory.is_(False))
    return stmt
