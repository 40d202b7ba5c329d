"""What the case pages show of stored rows: event details, timeline rows and custody episodes, worded.

Plain data for the templates, computed from a case and an instant; nothing here reads
the request or writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from justice_tracker.cases.forms import humanize
from justice_tracker.cases.models import Case, Event
from justice_tracker.cases.services import WORKFLOW_EVENTS
from justice_tracker.cases.timeline import effective_events
from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind
from justice_tracker.timeline.vocabulary import EVENT_TYPES, FieldKind
from justice_tracker.web.templating import local_time


@dataclass
class DetailItem:
    label: str
    value: str


@dataclass
class TimelineRow:
    event: Event
    details: list[DetailItem]
    state: str  # "effective", "superseded" or "voided"
    corrected_by: Event | None
    corrects: Event | None

    @property
    def correctable(self) -> bool:
        return self.state == "effective" and self.event.type not in WORKFLOW_EVENTS


@dataclass
class EpisodeRow:
    episode: CustodyEpisode
    seconds: int
    facilities: list[str]


def _instant_text(value: Any, tz_name: str) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return local_time(moment, tz_name)


def detail_items(event: Event, tz_name: str) -> list[DetailItem]:
    kind = EVENT_TYPES.get(event.type)
    details = event.details or {}
    if kind is None:
        return [DetailItem(str(k), str(v)) for k, v in details.items()]
    items = []
    for spec in kind.fields:
        value = details.get(spec.name)
        if value is None or value == []:
            continue
        if spec.kind == FieldKind.BOOLEAN:
            text = _("yes") if value else _("no")
        elif spec.kind == FieldKind.CHOICE:
            text = _(humanize(str(value)))
        elif spec.kind == FieldKind.TEXT_LIST:
            text = ", ".join(_(humanize(str(v))) if spec.choices else str(v) for v in value)
        elif spec.kind == FieldKind.INSTANT:
            text = _instant_text(value, tz_name)
        else:
            text = str(value)
        items.append(DetailItem(_(spec.label), text))
    return items


def timeline_rows(case: Case, as_of: datetime | None) -> list[TimelineRow]:
    """Every stored event in order, originals kept: superseded and voided ones marked, with their correction."""
    rows = sorted(case.events, key=lambda e: (e.at, e.seq))
    correction_of = {e.corrects_id: e for e in rows if e.corrects_id is not None}
    standing = {e.id for e in effective_events(rows)}
    out = []
    for event in rows:
        if event.voids or (as_of is not None and event.at > as_of):
            continue
        corrected_by = correction_of.get(event.id)
        if event.id in standing:
            state = "effective"
        else:
            state = "voided" if corrected_by is not None and corrected_by.voids else "superseded"
        out.append(TimelineRow(event, detail_items(event, case.time_zone), state, corrected_by, event.corrects))
    return out


def episode_rows(found: list[CustodyEpisode], moment: datetime) -> list[EpisodeRow]:
    rows = []
    for episode in found:
        names: list[str] = []
        for placement in episode.placements:
            name = placement.facility or _("not recorded")
            if not names or names[-1] != name:
                names.append(name)
        rows.append(EpisodeRow(episode, episode.seconds(moment), names))
    return rows


CUSTODY_WORDS = {
    CustodyKind.POLICE.value: _l("Police custody"),
    CustodyKind.PRETRIAL.value: _l("Pre-trial detention"),
    CustodyKind.SENTENCED.value: _l("Sentenced custody"),
}


def custody_word(kind: str | None) -> str:
    word = CUSTODY_WORDS.get(kind or "")
    return str(word) if word is not None else _("Not in custody")
