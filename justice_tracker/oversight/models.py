"""What oversight counts from: stored custody episodes and placements, child population
denominators, and the policy facts recorded for each jurisdiction.

Custody episodes are derived from each case's effective timeline (`timeline.custody`) and
stored like deadlines: rebuilt in the transaction of every change to the case
(`episodes.rebuild`), so that the oversight aggregates are `GROUP BY` queries over these rows,
never a Python loop over every case. They reflect today's record: a corrected event changes
the past episodes too.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from justice_tracker.db import UTCDateTime, db


class StoredEpisode(db.Model):
    """One custody episode of a case: [start_at, end_at), end_at NULL while it lasts."""

    __tablename__ = "custody_episodes"
    __table_args__ = (
        # Episodes of a kind started, or ended, within a period: an index range each, not half the table.
        Index("ix_custody_episodes_kind_start_at", "kind", "start_at"),
        Index("ix_custody_episodes_kind_end_at", "kind", "end_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Copied from the case and child so that aggregates filter and group without joins.
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    # Why the child came into this episode (`episodes.REASONS`): JDAI's "detention reason".
    reason: Mapped[str] = mapped_column(String(30))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The event type that ended it (released, pretrial_detention_ordered, sentenced), and a release's kind.
    ended_by: Mapped[str | None] = mapped_column(String(40))
    release_kind: Mapped[str | None] = mapped_column(String(30))
    # Start of the unbroken deprivation of liberty this episode belongs to (police custody, then
    # pre-trial detention, then a sentence, without a release in between).
    run_start: Mapped[datetime] = mapped_column(UTCDateTime)
    # At the episode's start: the child's age band (court's local date) and the case's most serious offence class.
    age_band: Mapped[str] = mapped_column(String(30))
    offence_class: Mapped[str] = mapped_column(String(40))
    # Worked out from the case's other episodes and events when stored, so that the oversight year reads no
    # other row per episode. True for the police custody or pre-trial detention episode that ends a
    # pre-sentence spell: the last of its custody run's (latest end, then position), all of them ended.
    ends_spell: Mapped[bool] = mapped_column(Boolean, default=False)
    # The first aftercare started (an effective `aftercare_started` event) at or after the episode's end.
    aftercare_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    placements: Mapped[list[StoredPlacement]] = relationship(
        back_populates="episode", order_by="StoredPlacement.position", cascade="all, delete-orphan"
    )


class StoredPlacement(db.Model):
    """Where the child was held within an episode, from start_at until end_at (NULL: still there)."""

    __tablename__ = "custody_placements"
    __table_args__ = (
        # Who was held at an instant, or at each month end: placements started by it (or ending after it),
        # answered from the index alone.
        Index("ix_custody_placements_start_at_end_at", "start_at", "end_at"),
        Index("ix_custody_placements_end_at_start_at", "end_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("custody_episodes.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The facility as the event named it, and the register's facility of that name (if any).
    facility_name: Mapped[str | None] = mapped_column(String(200))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), index=True)
    # As the event said; NULL when it did not say (the register's flag then applies).
    separated_from_adults: Mapped[bool | None] = mapped_column(Boolean)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    episode: Mapped[StoredEpisode] = relationship(back_populates="placements")


class ChildPopulation(db.Model):
    """The child population of a jurisdiction (area "") or of one of its areas, for one year."""

    __tablename__ = "child_populations"
    __table_args__ = (
        UniqueConstraint("jurisdiction_code", "area", "year", name="uq_child_populations_jurisdiction_area_year"),
        CheckConstraint("population > 0", name="population_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    # "" for the whole jurisdiction; otherwise a court area (`Court.area`).
    area: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    # The ages counted (the UNODC/UNICEF manual: below 18) and where the figure comes from.
    age_from: Mapped[int] = mapped_column(Integer, default=0)
    age_to: Mapped[int] = mapped_column(Integer, default=17)
    source: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PolicyFact(db.Model):
    """The answer recorded for a policy indicator (12 to 15) in a jurisdiction."""

    __tablename__ = "policy_facts"
    __table_args__ = (
        UniqueConstraint("jurisdiction_code", "indicator", name="uq_policy_facts_jurisdiction_indicator"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    indicator: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))
    recorded_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
