"""Reading stored deadlines: their status at any instant, in SQL, and the boards' queries."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, not_, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.sql import Select

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.org.models import Court
from justice_tracker.oversight.models import StoredPlacement
from justice_tracker.rules.model import Kind, Status
from justice_tracker.timeline.custody import CustodyKind


def open_at(at: datetime) -> ColumnElement[bool]:
    """Whether a stored deadline could still be breached at `at`: open now, or met only after `at`."""
    return or_(CaseDeadline.open.is_(True), CaseDeadline.met_at > at)


def started_by(at: datetime) -> ColumnElement[bool]:
    return or_(CaseDeadline.start_at.is_(None), CaseDeadline.start_at <= at)


def status_at(at: datetime) -> ColumnElement[str]:
    """A deadline's status at instant `at`, computed by the database from its stored instants.

    A limit met after `at` was still running at `at`, so a past instant shows it pending,
    at risk or breached as it then was; a limit whose clock had not started is not applicable.
    """
    return case(
        (not_(started_by(at)), literal(Status.NOT_APPLICABLE.value)),
        (not_(open_at(at)), CaseDeadline.status),
        (
            CaseDeadline.due < at,
            case(
                (CaseDeadline.advisory.is_(True), literal(Status.ADVISORY_UNMET.value)),
                else_=literal(Status.BREACHED.value),
            ),
        ),
        (func.coalesce(CaseDeadline.at_risk_from, CaseDeadline.due) <= at, literal(Status.AT_RISK.value)),
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


def needing_attention(user: User, at: datetime, *, include_advisory: bool = True, live: bool = False) -> Select:
    """Open deadlines of open cases that are at risk or past due at `at`, most urgent first.

    `live` says `at` is the present. No stored limit can then have been met after it (events
    are never in the future), and an open row always has its `at_risk_from`: the condition
    becomes one the (court_id, open, at_risk_from) index answers, instead of a scan of every
    deadline of the court (bench/RESULTS.md).
    """
    if live:
        running = [CaseDeadline.open.is_(True), CaseDeadline.at_risk_from <= at]
    else:
        running = [open_at(at), func.coalesce(CaseDeadline.at_risk_from, CaseDeadline.due) <= at]
    if user.role == Role.CLERK and user.court_id is not None:
        # A case never changes court, so its deadlines carry the court it has.
        running.append(CaseDeadline.court_id == user.court_id)
    stmt = (
        select(CaseDeadline, status_at(at).label("status_now"))
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(visible_cases(user), Case.status == CaseStatus.OPEN, started_by(at), *running)
        .order_by(CaseDeadline.due, CaseDeadline.id)
    )
    if not include_advisory:
        stmt = stmt.where(CaseDeadline.advisory.is_(False))
    return stmt


# -- the clerk's and lawyer's board ---------------------------------------------------------------------------

BOARD_STATUSES = ("all", Status.BREACHED.value, Status.ADVISORY_UNMET.value, Status.AT_RISK.value)
RULE_KINDS = tuple(kind.value for kind in Kind)
CUSTODY_KINDS = tuple(kind.value for kind in CustodyKind)
MAX_BOARD_PAGE = 100_000
_INT = re.compile(r"[0-9]{1,9}", re.ASCII)


def _int(text: str | None) -> int | None:
    raw = (text or "").strip()
    return int(raw) if _INT.fullmatch(raw) else None


def _page(text: str | None) -> int:
    return min(max(_int(text) or 1, 1), MAX_BOARD_PAGE)


@dataclass(frozen=True)
class BoardFilters:
    """The board's query string, read against whitelists: unknown or malformed values are dropped."""

    status: str = "all"
    advisory: bool = True
    jurisdiction: str | None = None
    court_id: int | None = None
    kind: str | None = None
    custody: str | None = None
    page: int = 1
    custody_page: int = 1

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], *, jurisdictions: Sequence[str] = (), courts: Sequence[int] = ()
    ) -> BoardFilters:
        status = args.get("status") or "all"
        kind = args.get("kind")
        custody = args.get("custody")
        jurisdiction = args.get("jurisdiction")
        court_id = _int(args.get("court"))
        return cls(
            status=status if status in BOARD_STATUSES else "all",
            advisory=args.get("advisory") != "no",
            jurisdiction=jurisdiction if jurisdiction in jurisdictions else None,
            court_id=court_id if court_id in courts else None,
            kind=kind if kind in RULE_KINDS else None,
            custody=custody if custody in CUSTODY_KINDS else None,
            page=_page(args.get("page")),
            custody_page=_page(args.get("cpage")),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments that reproduce these filters (defaults left out)."""
        values = {
            "status": None if self.status == "all" else self.status,
            "advisory": None if self.advisory else "no",
            "jurisdiction": self.jurisdiction,
            "court": self.court_id,
            "kind": self.kind,
            "custody": self.custody,
            "page": None if self.page == 1 else self.page,
            "cpage": None if self.custody_page == 1 else self.custody_page,
        } | changes
        return {k: v for k, v in values.items() if v is not None}

    @property
    def used(self) -> list[str]:
        """The names of the filters in use (for the audit log)."""
        used = {
            "status": self.status != "all",
            "advisory": not self.advisory,
            "jurisdiction": self.jurisdiction is not None,
            "court": self.court_id is not None,
            "kind": self.kind is not None,
            "custody": self.custody is not None,
        }
        return [name for name, on in used.items() if on]


@dataclass
class BoardPage:
    items: list[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.size, self.total)


def _paged(stmt: Select, number: int, size: int) -> tuple[Select, int, int]:
    """`stmt` limited to one page (the last page when `number` is past it), its total and page number."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(number, max(1, math.ceil(total / size)))
    return stmt.limit(size).offset((number - 1) * size), total, number


def board_deadlines(user: User, at: datetime, filters: BoardFilters, page_size: int, *, live: bool) -> BoardPage:
    """One page of `needing_attention`, filtered: items are (CaseDeadline, status_now), most urgent first."""
    stmt = needing_attention(user, at, include_advisory=filters.advisory, live=live)
    if filters.status != "all":
        stmt = stmt.where(status_at(at) == filters.status)
    if filters.jurisdiction is not None:
        stmt = stmt.where(Case.jurisdiction_code == filters.jurisdiction)
    if filters.court_id is not None:
        stmt = stmt.where(CaseDeadline.court_id == filters.court_id)
    if filters.kind is not None:
        stmt = stmt.where(CaseDeadline.kind == filters.kind)
    stmt, total, number = _paged(stmt, filters.page, page_size)
    stmt = stmt.options(
        contains_eager(CaseDeadline.case).options(
            selectinload(Case.child), selectinload(Case.court).selectinload(Court.jurisdiction)
        )
    )
    items = [(row[0], row[1]) for row in db.session.execute(stmt)]
    return BoardPage(items=items, total=total, number=number, size=page_size)


@dataclass
class CustodyRow:
    case: Case
    facility: str | None
    next_deadline: CaseDeadline | None
    next_status: str | None


def board_custody(user: User, at: datetime, filters: BoardFilters, page_size: int) -> BoardPage:
    """One page of the children in custody now (held since before `at`), longest held first.

    Each row carries the case's next open deadline (earliest due) and its status at `at`.
    """
    stmt = select(Case).where(
        visible_cases(user),
        Case.custody_state.is_not(None),
        Case.custody_since.is_not(None),
        Case.custody_since <= at,
    )
    if filters.jurisdiction is not None:
        stmt = stmt.where(Case.jurisdiction_code == filters.jurisdiction)
    if filters.court_id is not None:
        stmt = stmt.where(Case.court_id == filters.court_id)
    if filters.custody is not None:
        stmt = stmt.where(Case.custody_state == filters.custody)
    stmt, total, number = _paged(stmt.order_by(Case.custody_since, Case.id), filters.custody_page, page_size)
    cases = list(
        db.session.scalars(
            stmt.options(selectinload(Case.child), selectinload(Case.court).selectinload(Court.jurisdiction))
        )
    )
    ids = [case.id for case in cases]
    following = next_deadlines(ids, at, include_advisory=filters.advisory)
    held_in = facilities_at(ids, at)
    rows = [CustodyRow(case, held_in.get(case.id), *following.get(case.id, (None, None))) for case in cases]
    return BoardPage(items=rows, total=total, number=number, size=page_size)


def facilities_at(case_ids: Sequence[int], at: datetime) -> dict[int, str | None]:
    """Where each case's child was placed at `at`, from the stored placements (None: not recorded)."""
    stmt = (
        select(StoredPlacement.case_id, StoredPlacement.facility_name)
        .where(StoredPlacement.case_id.in_(case_ids), StoredPlacement.start_at <= at)
        .order_by(StoredPlacement.case_id, StoredPlacement.start_at, StoredPlacement.id)
    )
    # Ordered by start: the last placement begun by `at` wins.
    return dict(db.session.execute(stmt).all()) if case_ids else {}


def next_deadlines(
    case_ids: Sequence[int], at: datetime, *, include_advisory: bool = True
) -> dict[int, tuple[CaseDeadline, str]]:
    """For each case, its deadline open at `at` with the earliest due instant, and its status then."""
    if not case_ids:
        return {}
    conditions = [CaseDeadline.case_id.in_(case_ids), open_at(at), started_by(at), CaseDeadline.due.is_not(None)]
    if not include_advisory:
        conditions.append(CaseDeadline.advisory.is_(False))
    ranked = (
        select(
            CaseDeadline.id.label("id"),
            func.row_number()
            .over(partition_by=CaseDeadline.case_id, order_by=(CaseDeadline.due, CaseDeadline.id))
            .label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    stmt = select(CaseDeadline, status_at(at)).join(ranked, ranked.c.id == CaseDeadline.id).where(ranked.c.rank == 1)
    return {row[0].case_id: (row[0], row[1]) for row in db.session.execute(stmt)}
