"""Jurisdictions, courts and facilities."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.db import db


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

    jurisdiction: Mapped[Jurisdiction] = relationship()


FACILITY_KINDS = ("police_station", "remand_home", "youth_detention_centre", "prison", "care_centre", "other")
