"""`flask demo generate`: a synthetic registry of many cases, for measuring scale. No real person.

Cases are spread over the demo courts (`flask demo load` first) and drawn from a seed: the same
seed gives the same children, offences and timelines, placed relative to the day it runs. About
15 events per case, a fifth in pre-trial detention, some late or long enough to breach a limit.

`build_case` is pure (no database), so the benchmarks can evaluate the same cases in memory.
`generate` checks each timeline with the real validation, writes children, cases, offences,
lawyer links and events with bulk inserts in batches, then derives what the services derive
after every change (`cases.services.refresh_derived`: custody state, status, stored deadlines
and custody episodes).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus, Child, Event, Offence
from justice_tracker.cases.services import refresh_state
from justice_tracker.db import db
from justice_tracker.deadlines import bulk as bulk_deadlines
from justice_tracker.demo import COURTS, FAMILY, GIVEN
from justice_tracker.org.models import Court
from justice_tracker.oversight import episodes as custody_store
from justice_tracker.oversight.demo import PLACES
from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent
from justice_tracker.timeline.validation import validate_timeline

JURISDICTIONS = tuple(code for _name, code, _tz in COURTS)
LANGUAGES = {"GB-EAW": ["en"], "BR": ["pt"], "IN": ["hi", "en"], "FR": ["fr"], "KE": ["sw", "en"]}
LAWYERS = ("lawyer@demo.test", "lawyer2@demo.test")
# A lawyer's caseload stays what it is in practice however large the registry: each block of
# this many consecutive cases shares two lawyers (the first block the demo's own two, who get
# about 150 cases each); later blocks get generated lawyers, who cannot sign in.
LAWYER_BLOCK = 400
PRETRIAL_SHARE = 0.2
REFERENCE_PREFIX = "GEN"

Item = tuple[str, datetime, dict[str, Any]]
Details = dict[str, Any] | Callable[[datetime], dict[str, Any]] | None


class GenerationError(Exception):
    """The database is not ready for generation (no demo data, or this seed already generated)."""


@dataclass(frozen=True)
class CaseSpec:
    """One generated case, before it has any database id."""

    index: int
    jurisdiction_code: str
    child: dict[str, Any]
    offences: list[dict[str, Any]]
    events: list[Item]
    lawyer: int | None  # lawyer slot: 0 and 1 are LAWYERS, later slots generated lawyers

    def timeline(self) -> list[TimelineEvent]:
        return [TimelineEvent(key=str(n + 1), type=t, at=at, details=d) for n, (t, at, d) in enumerate(self.events)]

    def child_facts(self) -> ChildFacts:
        return ChildFacts(self.child["date_of_birth"], self.child["date_of_birth_estimated"])


def case_rng(seed: int, index: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def build_case(seed: int, index: int, now: datetime) -> CaseSpec:
    """The `index`-th case of the registry drawn from `seed`; every event at or before `now`."""
    rng = case_rng(seed, index)
    code = JURISDICTIONS[index % len(JURISDICTIONS)]
    police, held_in, classes = PLACES[code]
    d, h, m = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
    start = now - rng.randint(1, 720) * d - rng.randint(0, 23) * h - rng.randint(0, 59) * m
    age = rng.randint(12, 17)
    dob = start.date() - timedelta(days=int(age * 365.25) + rng.randint(10, 330))
    child = {
        "given_name": GIVEN[rng.randrange(len(GIVEN))],
        "family_name": FAMILY[rng.randrange(len(FAMILY))],
        "date_of_birth": dob,
        "date_of_birth_estimated": rng.random() < 0.05,
        "sex": rng.choice(["F", "M", "M", "X"]),
        "languages": LANGUAGES[code],
        "guardian_name": f"Guardian of generated child {index}",
        "guardian_relationship": "parent",
        "guardian_contact": None,
    }
    offences = [
        {
            "position": position,
            "description": "generated offence",
            "offence_class": rng.choice(classes),
            "max_penalty_years": rng.choice([0.5, 1, 2, 4, 5, 10, 14]),
        }
        for position in range(rng.choice([1, 1, 1, 2]))
    ]
    events = _timeline(rng, code, police, held_in, start)
    draw = rng.random()
    lawyer = None if draw >= 0.75 else (index // LAWYER_BLOCK) * 2 + (0 if draw < 0.5 else 1)
    return CaseSpec(index, code, child, offences, [e for e in events if e[1] <= now], lawyer)


def _timeline(rng: random.Random, code: str, police: str, held_in: str, start: datetime) -> list[Item]:
    d, h, m = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
    separated = code != "KE" or rng.random() < 0.5
    t = start
    items: list[Item] = [("apprehended", t, {"facility": police, "separated_from_adults": separated})]

    def add(kind: str, after: timedelta, details: Details = None) -> datetime:
        """Append an event `after` the previous one; `details` may be computed from its instant."""
        nonlocal t
        t = t + after
        items.append((kind, t, details(t) if callable(details) else details or {}))
        return t

    add("parent_notified", rng.randint(10, 360) * m, {"who": rng.choice(["mother", "father", "grandparent"])})
    add("lawyer_assigned", rng.randint(10, 240) * m, {"lawyer": "Generated lawyer", "legal_aid": rng.random() < 0.8})
    if rng.random() < 0.7:
        add("social_worker_notified", rng.randint(10, 180) * m, {"who": "Youth justice service"})
    # Mostly within a day; one in ten late enough to breach the time to a judge.
    late = rng.random() < 0.1
    add("brought_before_authority", (rng.randint(30, 60) if late else rng.randint(2, 20)) * h, {"authority": "Court"})
    path = rng.random()
    if path < PRETRIAL_SHARE:
        add("diversion_considered", 10 * m, {"outcome": "not_diverted", "reasons": "Risk assessment (generated)"})
        add("pretrial_detention_ordered", 10 * m, {"facility": held_in, "separated_from_adults": True})
        _pretrial(rng, add, held_in)
        return items
    if path < PRETRIAL_SHARE + 0.15:
        add("diversion_considered", 10 * m, {"outcome": "diverted", "reasons": "First contact; family support"})
        add("released", 30 * m, {"kind": "to_parents"})
        if rng.random() < 0.5:
            wait = rng.randint(5, 20) * d
            add("hearing_scheduled", rng.randint(1, 5) * d, lambda at: _hearing(at + wait, "other"))
        add("proceedings_terminated", rng.randint(10, 90) * d, {"ground": "diverted"})
        add("case_closed", rng.randint(1, 5) * d)
        return items
    add("diversion_considered", 10 * m, {"outcome": rng.choice(["not_diverted", "deferred"]), "reasons": "Generated"})
    add("released", 30 * m, {"kind": rng.choice(["bail", "conditions", "to_parents"])})
    _trial(rng, add, custodial_share=0.1, held_in=held_in)
    return items


Add = Callable[..., datetime]


def _hearing(at: datetime, purpose: str) -> dict[str, Any]:
    return {"hearing_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "purpose": purpose}


def _pretrial(rng: random.Random, add: Add, held_in: str) -> None:
    d = timedelta(days=1)
    add("charged", rng.randint(1, 5) * d, {"authority": "Prosecutor"})
    for _ in range(rng.randint(1, 4)):
        add("detention_reviewed", rng.randint(10, 40) * d, {"outcome": "continued", "authority": "Court"})
    if rng.random() < 0.3:
        add("transferred", rng.randint(1, 20) * d, {"facility": held_in, "separated_from_adults": True})
    if rng.random() < 0.25:
        # Released before trial, on conditions.
        add("released", rng.randint(1, 30) * d, {"kind": "conditions"})
        _trial(rng, add, custodial_share=0.1, held_in=held_in)
        return
    _trial(rng, add, custodial_share=0.5, held_in=held_in, detained=True)


def _trial(rng: random.Random, add: Add, *, custodial_share: float, held_in: str, detained: bool = False) -> None:
    d, h = timedelta(days=1), timedelta(hours=1)
    if not detained:
        add("charged", rng.randint(1, 30) * d, {"authority": "Prosecutor"})
    if rng.random() < 0.5:
        add("hearing_held", rng.randint(1, 7) * d, {"purpose": "first_appearance"})
    wait = rng.randint(20, 90) * d
    add("hearing_scheduled", rng.randint(1, 10) * d, lambda at: _hearing(at + wait, "trial"))
    for _ in range(rng.choice([0, 0, 1, 2])):
        add("hearing_adjourned", rng.randint(10, 60) * d, {"reason": "Witness unavailable (generated)"})
        later = rng.randint(10, 40) * d
        add("hearing_scheduled", 1 * h, lambda at, later=later: _hearing(at + later, "trial"))
    add("child_heard", rng.randint(5, 40) * d, {"present": ["lawyer", "parent"], "information_understood": True})
    add("hearing_held", 1 * h, {"purpose": "trial"})
    finding = rng.choices(["responsible", "not_responsible", "dismissed"], [80, 12, 8])[0]
    add("adjudicated", 2 * h, {"finding": finding})
    if finding != "responsible":
        if detained:
            add("released", 2 * h, {"kind": "unconditional"})
        add("case_closed", rng.randint(1, 10) * d)
        return
    custodial = rng.random() < custodial_share
    if custodial:
        length = rng.randint(60, 365)
        add(
            "sentenced",
            rng.randint(1, 30) * d,
            {"custodial": True, "measure": "Custodial order", "length_days": length},
        )
        add("detention_reviewed", rng.randint(20, 60) * d, {"outcome": "continued", "authority": "Court"})
        add("released", length * d, {"kind": "unconditional"})
    else:
        add("sentenced", rng.randint(1, 30) * d, {"custodial": False, "measure": "Community order (generated)"})
        if detained:
            add("released", 1 * h, {"kind": "alternative_measure"})
    add("case_closed", rng.randint(1, 10) * d)
    if rng.random() < 0.5:
        add("aftercare_started", rng.randint(1, 10) * d, {"provider": "Aftercare service (generated)"})
    if rng.random() < 0.1:
        add("appeal_filed", rng.randint(1, 20) * d, {"by": "child"})
        add("appeal_decided", rng.randint(20, 120) * d, {"outcome": rng.choice(["dismissed", "allowed"])})


def iter_cases(seed: int, count: int, now: datetime, start: int = 0) -> Iterator[CaseSpec]:
    for index in range(start, start + count):
        yield build_case(seed, index, now)


def check_case(spec: CaseSpec, *, now: datetime, tz: ZoneInfo) -> CaseSpec:
    """The spec with its details cleaned as the services clean them; raises if the timeline would be refused."""
    events: list[Item] = []
    for kind, at, details in spec.events:
        cleaned, problems = clean_details(kind, details, tz=tz)
        if problems:
            raise AssertionError(f"generated case {spec.index}: {kind}: {problems}")
        events.append((kind, at, cleaned))
    checked = CaseSpec(spec.index, spec.jurisdiction_code, spec.child, spec.offences, events, spec.lawyer)
    problems = validate_timeline(checked.timeline(), checked.child_facts(), now=now, tz=tz)
    if problems:
        raise AssertionError(f"generated case {spec.index} does not validate: {problems}")
    return checked


# -- the database ---------------------------------------------------------------------------------------------


def _demo_setup(seed: int) -> tuple[dict[str, Court], dict[int, int], User]:
    courts = {
        c.jurisdiction_code: c for c in db.session.scalars(select(Court).where(Court.name.in_(n for n, *_ in COURTS)))
    }
    lawyers = {u.email: u.id for u in db.session.scalars(select(User).where(User.email.in_(LAWYERS)))}
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
    if len(courts) != len(COURTS) or len(lawyers) != len(LAWYERS) or admin is None:
        raise GenerationError("the demo courts and users are missing: run `flask demo load` first")
    taken = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.reference.like(f"{REFERENCE_PREFIX}-{seed}-%"))
    )
    if taken:
        raise GenerationError(f"cases from seed {seed} are already in the database: choose another --seed")
    return courts, {slot: lawyers[e] for slot, e in enumerate(LAWYERS)}, admin


def generate(
    count: int,
    *,
    seed: int,
    now: datetime,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `count` generated cases and derive their stored rows; flushes, never commits. Returns the count."""
    courts, lawyer_ids, admin = _demo_setup(seed)
    court_ids = {code: court.id for code, court in courts.items()}
    zones = {code: ZoneInfo(court.effective_time_zone) for code, court in courts.items()}
    admin_id = admin.id
    for first in range(0, count, batch):
        specs = [
            check_case(spec, now=now, tz=zones[spec.jurisdiction_code])
            for spec in iter_cases(seed, min(batch, count - first), now, start=first)
        ]
        _add_lawyers(lawyer_ids, {spec.lawyer for spec in specs if spec.lawyer is not None}, now)
        case_ids = _insert(specs, seed=seed, now=now, court_ids=court_ids, lawyer_ids=lawyer_ids, admin_id=admin_id)
        _derive(case_ids, now)
        if progress is not None:
            progress(len(specs))
    return count


def _add_lawyers(lawyer_ids: dict[int, int], slots: set[int], now: datetime) -> None:
    """Find or create the generated lawyers of these slots (no password: they never sign in)."""
    emails = {f"lawyer.{slot}@generated.test": slot for slot in slots - lawyer_ids.keys()}
    if not emails:
        return
    found = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
    rows = [
        {
            "email": email,
            "display_name": f"Generated lawyer {slot}",
            "role": Role.LAWYER.value,
            "password_hash": "!",
            "active": True,
            "created_at": now,
            "password_changed_at": now,
        }
        for email, slot in emails.items()
        if email not in found
    ]
    if rows:
        created = db.session.execute(insert(User).returning(User.email, User.id, sort_by_parameter_order=True), rows)
        found.update(dict(created.all()))
    lawyer_ids.update({slot: found[email] for email, slot in emails.items()})


def _insert(
    specs: Sequence[CaseSpec],
    *,
    seed: int,
    now: datetime,
    court_ids: dict[str, int],
    lawyer_ids: dict[int, int],
    admin_id: int,
) -> list[int]:
    session = db.session
    child_rows = [
        spec.child
        | {
            "pseudonym": f"G{seed % 10000}-{spec.index:07d}",
            "registered_court_id": court_ids[spec.jurisdiction_code],
            "created_at": now,
            "created_by_id": admin_id,
            "version": 1,
        }
        for spec in specs
    ]
    child_ids = list(session.scalars(insert(Child).returning(Child.id, sort_by_parameter_order=True), child_rows).all())
    case_rows = [
        {
            "reference": f"{REFERENCE_PREFIX}-{seed}-{spec.index:07d}",
            "child_id": child_id,
            "jurisdiction_code": spec.jurisdiction_code,
            "court_id": court_ids[spec.jurisdiction_code],
            "status": CaseStatus.OPEN.value,
            "created_at": spec.events[0][1] if spec.events else now,
            "updated_at": now,
            "created_by_id": admin_id,
            "version": 1,
        }
        for spec, child_id in zip(specs, child_ids, strict=True)
    ]
    case_ids = list(session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), case_rows).all())
    pairs = list(zip(specs, case_ids, strict=True))
    session.execute(insert(Offence), [o | {"case_id": case_id} for spec, case_id in pairs for o in spec.offences])
    links = [
        {"case_id": case_id, "user_id": lawyer_ids[spec.lawyer], "assigned_at": now}
        for spec, case_id in pairs
        if spec.lawyer is not None
    ]
    if links:
        session.execute(insert(CaseLawyer), links)
    events = [
        {
            "case_id": case_id,
            "seq": seq,
            "type": kind,
            "at": at,
            "details": details,
            "recorded_at": min(at + timedelta(minutes=15), now),
            "recorded_by_id": admin_id,
            "voids": False,
        }
        for spec, case_id in pairs
        for seq, (kind, at, details) in enumerate(spec.events, start=1)
    ]
    if events:
        session.execute(insert(Event), events)
    return case_ids


DERIVE_BATCH = 250


def _derive(case_ids: list[int], now: datetime) -> None:
    for first in range(0, len(case_ids), DERIVE_BATCH):
        _derive_batch(case_ids[first : first + DERIVE_BATCH], now)


def _derive_batch(case_ids: list[int], now: datetime) -> None:
    """Custody state, status, custody episodes and stored deadlines, as after any change to a timeline.

    The pieces of `cases.services.refresh_derived`, for cases that have no stored rows yet: nothing
    to delete, and the deadlines of the whole batch written at once.
    """
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(case_ids))
        .options(
            selectinload(Case.events),
            selectinload(Case.offences),
            selectinload(Case.child),
            selectinload(Case.court).selectinload(Court.jurisdiction),
        )
    ).all()
    facilities = {code: custody_store.facility_ids(code) for code in {case.jurisdiction_code for case in cases}}
    for case in cases:
        refresh_state(case, now)
        custody_store.store(case, facilities[case.jurisdiction_code])
    db.session.flush()
    db.session.expunge_all()  # keep memory flat over 100,000 cases; everything is flushed
    bulk_deadlines.refresh_cases(case_ids, now)
