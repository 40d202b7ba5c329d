"""Child, case, offence, lawyer assignment and event rows.

Events are append-only: a wrong event is answered by a correction row pointing at
it (`corrects_id`), which either replaces it (new type/instant/details) or voids it.
The effective timeline is what stands after corrections.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.auth.models import User
from justice_tracker.db import UTCDateTime, db
from justice_tracker.org.models import Court, Jurisdiction


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Child(db.Model):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Pseudonymous reference: the only identifier oversight, logs and file names ever see.
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    date_of_birth_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    sex: Mapped[str] = mapped_column(String(1))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_relationship: Mapped[str | None] = mapped_column(String(100))
    guardian_contact: Mapped[str | None] = mapped_column(String(300))
    registered_court_id: Mapped[int | None] = mapped_column(ForeignKey("courts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    cases: Mapped[list[Case]] = relationship(back_populates="child")

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("court_id", "reference", name="uq_cases_court_reference"),
        # A court's children in custody, longest held first (the board), without reading its other cases.
        Index("ix_cases_court_custody_since", "court_id", "custody_since"),
        # A clerk's case list in its default order (latest change first), a page at a time.
        Index("ix_cases_court_updated", "court_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN, index=True)
    police_reference: Mapped[str | None] = mapped_column(String(100))
    prosecution_reference: Mapped[str | None] = mapped_column(String(100))
    court_reference: Mapped[str | None] = mapped_column(String(100))
    # Derived from the effective timeline in the transaction that changes it, so that
    # "in custody now" is an indexed filter, not a Python loop over every case.
    custody_state: Mapped[str | None] = mapped_column(String(30), index=True)
    custody_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship(back_populates="cases")
    court: Mapped[Court] = relationship()
    jurisdiction: Mapped[Jurisdiction] = relationship()
    offences: Mapped[list[Offence]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Offence.position"
    )
    lawyers: Mapped[list[CaseLawyer]] = relationship(back_populates="case", cascade="all, delete-orphan")
    events: Mapped[list[Event]] = relationship(back_populates="case", order_by="Event.seq")

    __mapper_args__ = {"version_id_col": version}

    @property
    def time_zone(self) -> str:
        return self.court.effective_time_zone

    def lawyer_ids(self) -> set[int]:
        return {link.user_id for link in self.lawyers}


class Offence(db.Model):
    __tablename__ = "offences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(500))
    offence_class: Mapped[str | None] = mapped_column(String(40))
    max_penalty_years: Mapped[float | None] = mapped_column(Float)

    case: Mapped[Case] = relationship(back_populates="offences")


class CaseLawyer(db.Model):
    __tablename__ = "case_lawyers"
    __table_args__ = (
        UniqueConstraint("case_id", "user_id", name="uq_case_lawyers_case_user"),
        # A lawyer's caseload (the boards, the case list) from the index alone (migration 0010).
        Index("ix_case_lawyers_user_case", "user_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="lawyers")
    user: Mapped[User] = relationship()


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
        # Oversight: the events of a type within a period (sentences, diversions), and whether a case has
        # one of a type by an instant (a hearing scheduled, aftercare). The second also serves every
        # look-up by case, so case_id needs no index of its own.
        Index("ix_events_type_at", "type", "at"),
        Index("ix_events_case_id_type_at", "case_id", "type", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    voids: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="events")
    recorded_by: Mapped[User | None] = relationship()
    corrects: Mapped[Event | None] = relationship(remote_side=[id])

    @property
    def key(self) -> str:
        return str(self.seq)
