"""Read queries of the case pages: which cases and children a user may see, search, filter, sort, page.

Filters come from the query string and are parsed against whitelists: an unknown
value is ignored (never an error), and every value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus, Child, Event
from justice_tracker.cases.timeline import effective_events
from justice_tracker.db import db
from justice_tracker.org.models import Court, Jurisdiction

MAX_QUERY_LENGTH = 100
MAX_PAGE = 100_000
CHILD_SEARCH_LIMIT = 50

_INT = re.compile(r"[0-9]{1,9}", re.ASCII)
_LIKE_SPECIALS = re.compile(r"([\\%_])")

# The only orderings the list offers; anything else falls back to the default.
SORTS: dict[str, tuple[Any, ...]] = {
    "-updated": (Case.updated_at.desc(),),
    "updated": (Case.updated_at.asc(),),
    "reference": (Case.reference.asc(),),
    "-reference": (Case.reference.desc(),),
    "-opened": (Case.created_at.desc(),),
    "opened": (Case.created_at.asc(),),
    # Longest in custody first; children not in custody after them.
    "custody": (Case.custody_since.is_(None), Case.custody_since.asc()),
}
DEFAULT_SORT = "-updated"
STATUSES = (CaseStatus.OPEN.value, CaseStatus.CLOSED.value)
CUSTODY_VALUES = ("yes", "no")


def _int(text: str | None) -> int | None:
    raw = (text or "").strip()
    return int(raw) if _INT.fullmatch(raw) else None


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, with %, _ and \\ taken literally (escape \\)."""
    return "%" + _LIKE_SPECIALS.sub(r"\\\1", text.lower()) + "%"


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    court_id: int | None = None
    status: str | None = None
    custody: str | None = None
    jurisdiction: str | None = None
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, jurisdictions: Sequence[str] = ()) -> CaseFilters:
        """Read the query string; every unknown or malformed value is dropped."""
        q = (args.get("q") or "").strip()[:MAX_QUERY_LENGTH]
        status = args.get("status")
        custody = args.get("custody")
        jurisdiction = args.get("jurisdiction")
        sort = args.get("sort") or DEFAULT_SORT
        page = _int(args.get("page")) or 1
        return cls(
            q=q,
            court_id=_int(args.get("court")),
            status=status if status in STATUSES else None,
            custody=custody if custody in CUSTODY_VALUES else None,
            jurisdiction=jurisdiction if jurisdiction in jurisdictions else None,
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=min(max(page, 1), MAX_PAGE),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments that reproduce these filters (defaults left out)."""
        values = {
            "q": self.q or None,
            "court": self.court_id,
            "status": self.status,
            "custody": self.custody,
            "jurisdiction": self.jurisdiction,
            "sort": None if self.sort == DEFAULT_SORT else self.sort,
            "page": None if self.page == 1 else self.page,
        } | changes
        return {k: v for k, v in values.items() if v is not None}

    @property
    def used(self) -> list[str]:
        """The names of the filters in use (for the audit log: names, never the values typed)."""
        names = ("q", "court_id", "status", "custody", "jurisdiction")
        return [n for n in names if getattr(self, n)]


@dataclass
class Page:
    items: list[Case]
    total: int
    number: int
    size: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.size))

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


def case_visibility(user: User) -> ColumnElement[bool]:
    """The rows of `cases` the user may see: the same rule as `access.can_view_case`, in SQL."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.CLERK:
        return Case.court_id == user.court_id if user.court_id is not None else false()
    if user.role == Role.LAWYER:
        return Case.id.in_(select(CaseLawyer.case_id).where(CaseLawyer.user_id == user.id))
    return false()


def child_visibility(user: User) -> ColumnElement[bool]:
    """The children the user may see: the same rule as `access.can_view_child`, in SQL."""
    if user.role == Role.ADMIN:
        return true()
    visible_case = exists().where(Case.child_id == Child.id, case_visibility(user))
    if user.role == Role.CLERK and user.court_id is not None:
        return or_(Child.registered_court_id == user.court_id, visible_case)
    if user.role in (Role.CLERK, Role.LAWYER):
        return visible_case
    return false()


def _search(stmt: Select[Any], q: str) -> Select[Any]:
    pattern = like_pattern(q)
    columns = (Case.reference, Case.police_reference, Case.prosecution_reference, Case.court_reference)
    matches = [func.lower(column).like(pattern, escape="\\") for column in columns]
    matches.append(func.lower(Child.pseudonym).like(pattern, escape="\\"))
    return stmt.where(or_(*matches))


def search_cases(user: User, filters: CaseFilters, page_size: int) -> Page:
    stmt = select(Case).where(case_visibility(user))
    if filters.q:
        # Only a search reads the child (its pseudonym): every case has one, so the count needs no join.
        stmt = _search(stmt.join(Child, Case.child_id == Child.id), filters.q)
    if filters.court_id is not None:
        stmt = stmt.where(Case.court_id == filters.court_id)
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.custody == "yes":
        stmt = stmt.where(Case.custody_state.is_not(None))
    elif filters.custody == "no":
        stmt = stmt.where(Case.custody_state.is_(None))
    if filters.jurisdiction:
        stmt = stmt.where(Case.jurisdiction_code == filters.jurisdiction)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / page_size))
    number = min(filters.page, pages)
    items = db.session.scalars(
        stmt.order_by(*SORTS[filters.sort], Case.id.desc())
        .limit(page_size)
        .offset((number - 1) * page_size)
        .options(
            selectinload(Case.child),
            selectinload(Case.court).selectinload(Court.jurisdiction),
        )
    ).all()
    return Page(items=list(items), total=total, number=number, size=page_size)


@dataclass(frozen=True)
class EventSummary:
    """What a list shows of an event: its type and instant (and what `effective_events` needs)."""

    id: int
    case_id: int
    seq: int
    type: str
    at: datetime
    corrects_id: int | None
    voids: bool
    details: None = None


def last_events(case_ids: Sequence[int]) -> dict[int, EventSummary]:
    """Each case's latest standing event, read as plain columns (no details, no ORM objects)."""
    columns = (Event.id, Event.case_id, Event.seq, Event.type, Event.at, Event.corrects_id, Event.voids)
    by_case: dict[int, list[EventSummary]] = {}
    for row in db.session.execute(select(*columns).where(Event.case_id.in_(case_ids))):
        by_case.setdefault(row.case_id, []).append(EventSummary(*row))
    return {
        case_id: max(standing, key=lambda e: (e.at, e.seq))
        for case_id, events in by_case.items()
        if (standing := effective_events(events))
    }


def filter_courts(user: User) -> list[Court]:
    """Courts offered in the list's court filter: none for a clerk (their court is fixed)."""
    if user.role == Role.ADMIN:
        return list(db.session.scalars(select(Court).order_by(Court.name)))
    if user.role == Role.LAWYER:
        return list(
            db.session.scalars(
                select(Court)
                .where(Court.id.in_(select(Case.court_id).where(case_visibility(user))))
                .order_by(Court.name)
            )
        )
    return []


def filter_jurisdictions(user: User) -> list[Jurisdiction]:
    if user.role not in (Role.ADMIN, Role.LAWYER):
        return []
    return list(
        db.session.scalars(select(Jurisdiction).where(Jurisdiction.active.is_(True)).order_by(Jurisdiction.name))
    )


def find_children(user: User, name: str, *, limit: int = CHILD_SEARCH_LIMIT) -> tuple[list[Child], bool]:
    """Children the user may see whose given or family name contains every word of `name`.

    Returns up to `limit` children and whether there were more.
    """
    words = [w for w in name.split() if w][:5]
    if not words:
        return [], False
    conditions = [
        or_(
            func.lower(Child.given_name).like(like_pattern(word), escape="\\"),
            func.lower(Child.family_name).like(like_pattern(word), escape="\\"),
        )
        for word in words
    ]
    rows = db.session.scalars(
        select(Child)
        .where(child_visibility(user), and_(*conditions))
        .order_by(Child.family_name, Child.given_name, Child.id)
        .limit(limit + 1)
        .options(selectinload(Child.cases))
    ).all()
    return list(rows[:limit]), len(rows) > limit


def active_lawyers() -> list[tuple[int, str]]:
    """(id, display name) of every active lawyer, by name: the choices of a case's lawyer field.

    Plain columns: a national registry has hundreds of lawyers, and each case page offers them all.
    """
    stmt = select(User.id, User.display_name).where(User.role == Role.LAWYER, User.active.is_(True))
    return [(user_id, name) for user_id, name in db.session.execute(stmt.order_by(User.display_name, User.id))]


def active_courts() -> list[Court]:
    return list(
        db.session.scalars(
            select(Court).where(Court.active.is_(True)).order_by(Court.name).options(selectinload(Court.jurisdiction))
        )
    )
