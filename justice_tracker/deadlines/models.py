"""Stored deadlines (one row per deadline the engine gives a case) and court closure days.

Rows are recomputed in the transaction that changes a case. For limits not yet met
they keep `due` and `at_risk_from`, so a board reads the status at any instant
with an indexed query (see `queries.status_at`) instead of running the engine.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.cases.models import Case
from justice_tracker.db import UTCDateTime, db

# The due instant first (a period is a range of it), then every column the oversight breaches read.
BREACH_COLUMNS = (
    "due",
    "advisory",
    "start_at",
    "open",
    "met_at",
    "status",
    "at_risk_from",
    "case_id",
    "court_id",
    "pack_code",
    "rule_id",
    "title",
)


class CaseDeadline(db.Model):
    __tablename__ = "deadlines"
    __table_args__ = (
        # A court's board: how many limits need attention (from the index alone), and the most
        # urgent first, read in order (migration 0009).
        Index("ix_deadlines_court_attention", "court_id", "open", "at_risk_from", "start_at", "case_id"),
        Index("ix_deadlines_court_open_due_id", "court_id", "open", "due", "id"),
        Index("ix_deadlines_open_due", "open", "at_risk_from"),
        # Oversight counts the breaches falling due within a period, from this index alone: the rows
        # carry explanations and citations, and reading them was half of that count (migration 0011).
        Index("ix_deadlines_due_breaches", *BREACH_COLUMNS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Copied from the case so that a court's board needs no join to filter.
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"))
    position: Mapped[int] = mapped_column(Integer)
    pack_code: Mapped[str] = mapped_column(String(16))
    pack_version: Mapped[date] = mapped_column(Date)
    rule_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str] = mapped_column(String(300))
    source_url: Mapped[str] = mapped_column(String(500))
    verification: Mapped[str] = mapped_column(String(1))
    force: Mapped[str] = mapped_column(String(30))
    advisory: Mapped[bool] = mapped_column(Boolean)
    # Status when computed; `queries.status_at` gives it at any other instant.
    status: Mapped[str] = mapped_column(String(20))
    # True while the limit can still pass or be breached (not met, not inapplicable).
    open: Mapped[bool] = mapped_column(Boolean)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_local_date: Mapped[date | None] = mapped_column(Date)
    at_risk_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_key: Mapped[str | None] = mapped_column(String(20))
    met_by_key: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    consequence: Mapped[str] = mapped_column(Text)
    consequence_kind: Mapped[str] = mapped_column(String(20))
    extended_by: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()


class CalendarClosure(db.Model):
    """A day the courts of a jurisdiction do not sit, beyond the public holidays of its pack."""

    __tablename__ = "calendar_closures"
    __table_args__ = (UniqueConstraint("jurisdiction_code", "day", name="uq_calendar_closures_jurisdiction_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))


class DigestLog(db.Model):
    """What a user's deadline digest has already reported: one row per deadline and status sent.

    A deadline is known by its case, rule and due instant (stored deadline rows are
    replaced at every recompute, so their ids are not stable). A deadline reported
    at risk is reported again once breached; one whose due instant moves (an
    extension, a closure day) is a new deadline.
    """

    __tablename__ = "digest_log"
    __table_args__ = (
        UniqueConstraint("user_id", "case_id", "rule_id", "due", "status", name="uq_digest_log_user_deadline_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
