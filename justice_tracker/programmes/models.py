"""Programmes of the registry, their coordinators, and referrals with the dated steps they went through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.auth.models import User
from justice_tracker.cases.models import Case, Event
from justice_tracker.db import UTCDateTime, db
from justice_tracker.org.models import Jurisdiction


class Programme(db.Model):
    """An alternative to detention or a diversion option, with its eligibility as data and its capacity."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("places >= 0 AND enrolled >= 0 AND waiting_list >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The registry's own stable key: import and export match programmes by it.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    cost: Mapped[str] = mapped_column(String(20), default="free")
    contact: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # Eligibility
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    offence_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    excluded_offence_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_penalty_years: Mapped[float | None] = mapped_column(Float)
    requires_acknowledgement: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_child_consent: Mapped[bool] = mapped_column(Boolean, default=True)
    requires_parent_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    exclusions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Capacity: `enrolled` moves with accepted referrals (atomically, see `services.take_place`) and is
    # kept current by the coordinators for children enrolled outside the system.
    places: Mapped[int] = mapped_column(Integer, default=0)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)
    waiting_list: Mapped[int] = mapped_column(Integer, default=0)
    wait_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    coordinator_links: Mapped[list[ProgrammeCoordinator]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def free_places(self) -> int:
        return max(0, self.places - self.enrolled)

    def coordinator_ids(self) -> set[int]:
        return {link.user_id for link in self.coordinator_links}


class ProgrammeCoordinator(db.Model):
    """A coordinator account linked to a programme it keeps current."""

    __tablename__ = "programme_coordinators"
    __table_args__ = (UniqueConstraint("programme_id", "user_id", name="uq_programme_coordinators_programme_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    programme: Mapped[Programme] = relationship(back_populates="coordinator_links")
    user: Mapped[User] = relationship()


class Referral(db.Model):
    """One child's path into one programme; `state` is the latest of its steps."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    child_consent: Mapped[bool | None] = mapped_column(Boolean)
    parent_consent: Mapped[bool | None] = mapped_column(Boolean)
    acknowledgement: Mapped[bool | None] = mapped_column(Boolean)
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()
    programme: Mapped[Programme] = relationship()
    steps: Mapped[list[ReferralStep]] = relationship(back_populates="referral", order_by="ReferralStep.id")

    __mapper_args__ = {"version_id_col": version}

    def step_at(self, state: str) -> datetime | None:
        """When the referral (first) reached `state`, if it did."""
        return next((step.at for step in self.steps if step.state == state), None)


class ReferralStep(db.Model):
    """One dated step of a referral, and the timeline event that records it on the case."""

    __tablename__ = "referral_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    referral: Mapped[Referral] = relationship(back_populates="steps")
    recorded_by: Mapped[User | None] = relationship()
    event: Mapped[Event | None] = relationship()
