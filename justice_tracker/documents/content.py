"""What the documents say about a case at an instant: one `CaseDocument`, shared by every template.

Everything is read from the effective timeline up to `moment` (events recorded for
later instants are left out), the live deadlines (`deadlines.service.evaluate_case`)
and the custody episodes, exactly as the case page computes them; referrals and the
programme suggestions come from `documents.alternatives`.

A `CaseDocument` stays in the web process: the templates are laid out here, and the
render worker is only ever sent the resulting HTML string (`engine.render_pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from justice_tracker.auth.access import sees_identity
from justice_tracker.auth.models import User
from justice_tracker.cases.forms import humanize
from justice_tracker.cases.models import Case, Event
from justice_tracker.cases.page_support import child_age
from justice_tracker.cases.presenters import EpisodeRow, TimelineRow, custody_word, episode_rows, timeline_rows
from justice_tracker.cases.timeline import as_timeline, custody_run_start, effective_events, episodes
from justice_tracker.deadlines.packs import pack_for
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.deadlines.views import CaseDeadlines, DeadlineView, case_deadline_view
from justice_tracker.documents.alternatives import ProgrammeOption, ReferralRecord, options_for, referrals_at
from justice_tracker.documents.chart import Chart, DueMark, build_chart
from justice_tracker.programmes.suggestions import stage_of
from justice_tracker.programmes.vocabulary import stage_label
from justice_tracker.rules.model import Deadline, Status
from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind, total_seconds
from justice_tracker.timeline.status import is_closed

UPCOMING = frozenset({Status.PENDING, Status.AT_RISK})


@dataclass(frozen=True)
class Alternative:
    """A `diversion_considered` event: the alternatives to court or custody weighed, and the outcome."""

    seq: int
    at: datetime
    outcome: str
    outcome_label: str
    reasons: str
    note: str | None


@dataclass(frozen=True)
class Heard:
    seq: int
    at: datetime
    present: list[str]
    language: str | None
    understood: bool | None


@dataclass(frozen=True)
class Participation:
    heard: list[Heard]
    lawyer_assigned: datetime | None
    parent_notified: datetime | None
    interpreter: bool | None
    appropriate_adult: bool | None


@dataclass(frozen=True)
class NextStep:
    at: datetime | None
    kind: str  # "breach", "hearing" or "deadline"
    title: str
    citation: str = ""
    consequence: str = ""
    status: str = ""
    purpose: str | None = None
    deadline: Deadline | None = None


@dataclass(frozen=True)
class NumberedDeadline:
    number: int
    view: DeadlineView


@dataclass
class CaseDocument:
    case: Case
    moment: datetime
    as_of: datetime | None
    tz_name: str
    generated_at: datetime
    generated_by: str
    identity: bool
    status: str
    age: int | None
    pack_code: str | None
    pack_name: str | None
    pack_version: str | None
    events: list[Event]
    rows: list[TimelineRow]
    episodes: list[CustodyEpisode]
    episode_rows: list[EpisodeRow]
    total_seconds: int
    run: CustodyEpisode | None
    held_seconds: int | None
    deadlines: list[Deadline]
    view: CaseDeadlines
    numbered: list[NumberedDeadline]
    alternatives: list[Alternative]
    referrals: list[ReferralRecord]
    programmes: list[ProgrammeOption]
    programme_stage: str
    participation: Participation
    next_steps: list[NextStep]
    chart: Chart | None = None

    @property
    def child(self):
        return self.case.child

    @property
    def in_custody(self) -> bool:
        return self.run is not None

    @property
    def current_kind(self) -> str | None:
        return self.episodes[-1].kind.value if self.run is not None else None

    @property
    def eligible_programmes(self) -> list[ProgrammeOption]:
        return [p for p in self.programmes if p.eligible]

    @property
    def ruled_out_programmes(self) -> list[ProgrammeOption]:
        return [p for p in self.programmes if not p.eligible]

    @property
    def binding_breaches(self) -> list[DeadlineView]:
        return self.view.breaches

    @property
    def at_risk(self) -> list[DeadlineView]:
        return [row for row in self.view.rows if row.deadline.status is Status.AT_RISK]

    @property
    def advisory_unmet(self) -> list[DeadlineView]:
        return [row for row in self.view.rows if row.deadline.status is Status.ADVISORY_UNMET]

    def local(self, moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if moment is None:
            return ""
        value = moment.astimezone(ZoneInfo(self.tz_name))
        # A time of day is ambiguous without its zone; a date alone is not.
        return f"{value.strftime(fmt)} {value.tzname()}" if "%H" in fmt else value.strftime(fmt)


def _instant(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def alternatives(events: list[Event]) -> list[Alternative]:
    found = []
    for e in events:
        if e.type != "diversion_considered":
            continue
        details = e.details or {}
        outcome = str(details.get("outcome", ""))
        found.append(
            Alternative(e.seq, e.at, outcome, humanize(outcome), str(details.get("reasons", "")), details.get("note"))
        )
    return found


def participation(events: list[Event]) -> Participation:
    heard = []
    for e in events:
        if e.type == "child_heard":
            details = e.details or {}
            present = [str(p) for p in details.get("present") or []]
            understood = details.get("information_understood")
            heard.append(
                Heard(
                    e.seq, e.at, present, details.get("language"), understood if isinstance(understood, bool) else None
                )
            )
    everyone = {p for h in heard for p in h.present}
    first = {t: next((e.at for e in events if e.type == t), None) for t in ("lawyer_assigned", "parent_notified")}
    return Participation(
        heard=heard,
        lawyer_assigned=first["lawyer_assigned"],
        parent_notified=first["parent_notified"],
        interpreter=("interpreter" in everyone) if heard else None,
        appropriate_adult=bool({"parent", "appropriate_adult"} & everyone) if heard else None,
    )


def next_steps(events: list[Event], view: CaseDeadlines, moment: datetime, in_custody: bool) -> list[NextStep]:
    """What must happen next: binding limits already passed (while held), hearings to come, limits to come."""
    steps: list[NextStep] = []
    if in_custody:
        steps += [
            NextStep(
                None,
                "breach",
                r.deadline.title,
                r.deadline.citation,
                r.deadline.consequence,
                r.status,
                None,
                r.deadline,
            )
            for r in view.breaches
        ]
    for e in events:
        when = _instant((e.details or {}).get("hearing_at")) if e.type == "hearing_scheduled" else None
        if when is not None and when > moment:
            purpose = (e.details or {}).get("purpose")
            steps.append(NextStep(when, "hearing", humanize(str(purpose or "hearing")), purpose=purpose))
    for row in view.rows:
        d = row.deadline
        if d.status in UPCOMING and d.due is not None:
            steps.append(NextStep(d.due, "deadline", d.title, d.citation, d.consequence, row.status, None, d))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(steps, key=lambda s: (s.kind != "breach", s.at or far))


def build(case: Case, moment: datetime, *, user: User, generated_at: datetime, as_of: datetime | None) -> CaseDocument:
    standing = [e for e in effective_events(case.events) if e.at <= moment]
    standing.sort(key=lambda e: (e.at, e.seq))
    timeline = as_timeline(standing)
    stage = stage_of(timeline)
    found = episodes(case, moment)
    run = custody_run_start(found, moment)
    deadlines = evaluate_case(case, moment)
    view = case_deadline_view(deadlines, moment)
    pack = pack_for(case.jurisdiction_code)
    zone = ZoneInfo(case.time_zone)
    numbered = [NumberedDeadline(i, row) for i, row in enumerate(view.rows, start=1)]
    doc = CaseDocument(
        case=case,
        moment=moment,
        as_of=as_of,
        tz_name=case.time_zone,
        generated_at=generated_at,
        generated_by=user.display_name,
        identity=sees_identity(user),
        status="closed" if is_closed(timeline) else "open",
        age=child_age(case.child.date_of_birth, moment.astimezone(zone).date()),
        pack_code=pack.code if pack else None,
        pack_name=pack.name if pack else None,
        pack_version=pack.version_date.isoformat() if pack else None,
        events=standing,
        rows=timeline_rows(case, moment),
        episodes=found,
        episode_rows=episode_rows(found, moment),
        total_seconds=total_seconds(found, moment),
        run=run,
        held_seconds=int((moment - run.start).total_seconds()) if run else None,
        deadlines=deadlines,
        view=view,
        numbered=numbered,
        alternatives=alternatives(standing),
        referrals=referrals_at(case, moment),
        programmes=options_for(case, stage),
        programme_stage=stage_label(stage),
        participation=participation(standing),
        next_steps=next_steps(standing, view, moment, run is not None),
    )
    return doc


def with_chart(doc: CaseDocument, lane_words: tuple[str, str]) -> CaseDocument:
    dues = [DueMark(n.number, n.view.deadline.due, n.view.status) for n in doc.numbered if n.view.deadline.due]
    words = {kind: custody_word(kind.value) for kind in CustodyKind}
    doc.chart = build_chart(doc.episodes, [e.at for e in doc.events], dues, doc.moment, doc.tz_name, words, lane_words)
    return doc
