"""Stored custody episodes: rebuilt from a case's effective timeline in the transaction that changes it.

`rebuild(case)` runs from `cases.services` after every change to a case's events and after a
change to its child (the age band at each episode's start depends on the birth date).
`refresh_all` (`flask oversight refresh`) rebuilds every case: after the migration that
created the tables, or after a change to how episodes are derived. Facilities are matched by
name within the case's jurisdiction; `relink_facility` keeps the match when the register changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from justice_tracker.cases.models import Case, Offence
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.db import db
from justice_tracker.org.models import Facility
from justice_tracker.oversight.models import StoredEpisode, StoredPlacement
from justice_tracker.programmes.vocabulary import age_band
from justice_tracker.timeline.ages import age_on
from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind, derive_episodes

NOT_RECORDED = "not recorded"
APPREHENSION, REMAND_AFTER_ARREST, REMAND_FROM_LIBERTY, SENTENCE = (
    "apprehension",
    "remand_after_arrest",
    "remand_from_liberty",
    "custodial_sentence",
)
PRE_SENTENCE = (CustodyKind.POLICE, CustodyKind.PRETRIAL)
# JDAI's "detention reason": how the child came into the episode.
REASONS = {
    APPREHENSION: "Apprehended (police custody)",
    REMAND_AFTER_ARREST: "Remanded straight from police custody",
    REMAND_FROM_LIBERTY: "Remanded from liberty (warrant, breach of conditions, later order)",
    SENTENCE: "Custodial sentence",
}


def lead_offence_class(offences: list[Offence]) -> str:
    """The class of the case's most serious offence (highest maximum penalty, then first recorded)."""
    if not offences:
        return NOT_RECORDED
    lead = max(offences, key=lambda o: (o.max_penalty_years if o.max_penalty_years is not None else -1, -o.position))
    return lead.offence_class or NOT_RECORDED


def _reason(episode: CustodyEpisode, previous: CustodyEpisode | None) -> str:
    if episode.kind is CustodyKind.POLICE:
        return APPREHENSION
    if episode.kind is CustodyKind.SENTENCED:
        return SENTENCE
    continuous = previous is not None and previous.end == episode.start
    return REMAND_AFTER_ARREST if continuous else REMAND_FROM_LIBERTY


def rebuild(case: Case) -> list[StoredEpisode]:
    """Replace the case's stored episodes and placements with what its effective timeline gives."""
    db.session.execute(delete(StoredPlacement).where(StoredPlacement.case_id == case.id))
    db.session.execute(delete(StoredEpisode).where(StoredEpisode.case_id == case.id))
    rows = store(case)
    db.session.flush()
    return rows


def store(case: Case, facilities: dict[str | None, int] | None = None) -> list[StoredEpisode]:
    """Add the stored episodes and placements of a case that has none yet (not flushed).

    `facilities` maps facility names of the case's jurisdiction to ids (`facility_ids`); a caller
    storing many cases reads it once.
    """
    events = effective_events(case.events)
    timeline = as_timeline(events)
    types = {e.key: e.type for e in timeline}
    release_kinds = {e.key: e.details.get("kind") for e in timeline if e.type == "released"}
    found = derive_episodes(timeline)
    if not found:
        return []
    if facilities is None:
        facilities = facility_ids(case.jurisdiction_code)
    zone = ZoneInfo(case.time_zone)
    born = case.child.date_of_birth
    offence_class = lead_offence_class(list(case.offences))
    spell_ends = _spell_ends(found)
    aftercare = sorted(e.at for e in timeline if e.type == "aftercare_started")
    rows, run_start, previous = [], None, None
    for position, episode in enumerate(found):
        if previous is None or previous.end != episode.start:
            run_start = episode.start
        local_day = episode.start.astimezone(zone).date()
        age = age_on(born, local_day) if born is not None and local_day >= born else None
        row = StoredEpisode(
            case_id=case.id,
            child_id=case.child_id,
            jurisdiction_code=case.jurisdiction_code,
            court_id=case.court_id,
            sex=case.child.sex,
            position=position,
            kind=episode.kind.value,
            reason=_reason(episode, previous),
            start_at=episode.start,
            end_at=episode.end,
            ended_by=types.get(episode.end_key) if episode.end_key else None,
            release_kind=release_kinds.get(episode.end_key) if episode.end_key else None,
            run_start=run_start,
            age_band=age_band(age),
            offence_class=offence_class[:40],
            ends_spell=position in spell_ends,
            aftercare_at=_first_from(aftercare, episode.end),
        )
        row.placements = [
            StoredPlacement(
                case_id=case.id,
                position=index,
                facility_name=placement.facility[:200] if placement.facility else None,
                facility_id=facilities.get(_name_key(placement.facility)),
                separated_from_adults=placement.separated_from_adults,
                start_at=placement.start,
                end_at=placement.end,
            )
            for index, placement in enumerate(episode.placements)
        ]
        rows.append(row)
        previous = episode
    db.session.add_all(rows)
    return rows


def _spell_ends(found: list[CustodyEpisode]) -> set[int]:
    """Positions of the episodes that end a pre-sentence spell: per custody run, its last police custody
    or pre-trial detention episode (latest end, then position), when all of them have ended."""
    runs: dict[datetime, list[int]] = {}
    run_start = None
    for position, episode in enumerate(found):
        if position == 0 or found[position - 1].end != episode.start:
            run_start = episode.start
        if episode.kind in PRE_SENTENCE:
            runs.setdefault(run_start, []).append(position)
    ends = set()
    for positions in runs.values():
        if all(found[p].end is not None for p in positions):
            ends.add(max(positions, key=lambda p: (found[p].end, p)))
    return ends


def _first_from(instants: list[datetime], start: datetime | None) -> datetime | None:
    """The first of the sorted `instants` at or after `start` (None: `start` is None, or there is none)."""
    if start is None:
        return None
    return next((moment for moment in instants if moment >= start), None)


def _name_key(name: str | None) -> str | None:
    return " ".join(name.split()).casefold() if name else None


def facility_ids(jurisdiction_code: str) -> dict[str | None, int]:
    rows = db.session.execute(select(Facility.id, Facility.name).where(Facility.jurisdiction_code == jurisdiction_code))
    return {_name_key(name): facility_id for facility_id, name in rows}


def relink_facility(facility: Facility) -> None:
    """After a facility is created or renamed: placements naming it point at it, and no others do."""
    in_jurisdiction = select(StoredEpisode.id).where(StoredEpisode.jurisdiction_code == facility.jurisdiction_code)
    db.session.execute(
        update(StoredPlacement)
        .where(StoredPlacement.facility_id == facility.id)
        .values(facility_id=None)
        .execution_options(synchronize_session=False)
    )
    names = db.session.scalars(
        select(StoredPlacement.facility_name)
        .where(StoredPlacement.episode_id.in_(in_jurisdiction), StoredPlacement.facility_name.is_not(None))
        .distinct()
    ).all()
    matching = [name for name in names if _name_key(name) == _name_key(facility.name)]
    if matching:
        db.session.execute(
            update(StoredPlacement)
            .where(StoredPlacement.episode_id.in_(in_jurisdiction), StoredPlacement.facility_name.in_(matching))
            .values(facility_id=facility.id)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()


def refresh_all(*, batch: int = 200, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every case's stored episodes; returns the number of cases."""
    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    for start in range(0, len(ids), batch):
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids[start : start + batch]))):
            rebuild(case)
        if progress is not None:
            progress(len(ids[start : start + batch]))
    return len(ids)
