"""Jurisdictions, courts, and facilities with their register (type, capacity, separation, complaints, inspections)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.db import UTCDateTime, db


class Jurisdiction(db.Model):
    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    courts: Mapped[list[Court]] = relationship(back_populates="jurisdiction")


class Court(db.Model):
    __tablename__ = "courts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    # A court may sit in a zone other than the jurisdiction's default (Brazil, Canada...).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The area the court serves (a district, a city): programme suggestions favour those serving it.
    area: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    jurisdiction: Mapped[Jurisdiction] = relationship(back_populates="courts")

    @property
    def effective_time_zone(self) -> str:
        return self.time_zone or self.jurisdiction.time_zone


class Facility(db.Model):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    separated_from_adults: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The register oversight reads (UNODC/UNICEF indicators 7, 12 and 13): where the facility is,
    # and whether children held there can complain to someone independent (None: not recorded).
    area: Mapped[str | None] = mapped_column(String(200))
    complaints_mechanism: Mapped[bool | None] = mapped_column(Boolean)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    inspections: Mapped[list[FacilityInspection]] = relationship(
        back_populates="facility", order_by="FacilityInspection.inspected_on.desc()"
    )


class FacilityInspection(db.Model):
    """One inspection of a facility, dated; `independent` when the inspector is not its operator."""

    __tablename__ = "facility_inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(200))
    independent: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(1000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    facility: Mapped[Facility] = relationship(back_populates="inspections")


FACILITY_KINDS = ("police_station", "remand_home", "youth_detention_centre", "prison", "care_centre", "other")
