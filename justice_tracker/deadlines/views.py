"""HTML pages of deadlines: the clerk's and lawyer's board, and the case page's deadlines section.

The board reads stored deadlines only: their status at the instant shown (now, or
`?as_of=`) is computed by the database (`queries.status_at`), so it is right at any
instant without running the engine, and a page costs a few indexed queries however
many cases there are. The case page runs the engine live (see `cases.views`); this
module gives its template the deadlines grouped and worded (`case_deadline_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.page_support import parse_as_of
from justice_tracker.cases.presenters import custody_word
from justice_tracker.cases.queries import filter_courts, filter_jurisdictions
from justice_tracker.clock import utcnow
from justice_tracker.deadlines import queries
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.rules.model import Deadline, Kind, Status, Verification
from justice_tracker.web.templating import render_audited

bp = Blueprint("boards", __name__)

BOARD_ROLES = (Role.CLERK, Role.LAWYER, Role.ADMIN)

# The case page's order: what needs acting on first, what is settled last.
CASE_ORDER = (
    Status.BREACHED,
    Status.ADVISORY_UNMET,
    Status.AT_RISK,
    Status.PENDING,
    Status.MET_LATE,
    Status.MET,
)

STATUS_WORDS = {
    Status.BREACHED.value: _l("Breached"),
    Status.ADVISORY_UNMET.value: _l("Past due (advisory)"),
    Status.AT_RISK.value: _l("At risk"),
    Status.PENDING.value: _l("Pending"),
    Status.MET_LATE.value: _l("Met late"),
    Status.MET.value: _l("Met"),
    Status.NOT_APPLICABLE.value: _l("Does not apply"),
}

VERIFICATION_WORDS = {
    Verification.PRIMARY.value: _l("Verification P: checked against the primary text of the law"),
    Verification.VERBATIM.value: _l("Verification V: checked against a verbatim copy of the law"),
    Verification.SECONDARY.value: _l("Verification S: from a secondary source, not yet checked against the law"),
    Verification.UNVERIFIED.value: _l("Verification U: not verified"),
}
UNCHECKED = frozenset({Verification.SECONDARY.value, Verification.UNVERIFIED.value})

KIND_WORDS = {
    Kind.DEADLINE.value: _l("Deadline"),
    Kind.RECURRING.value: _l("Recurring"),
    Kind.MAXIMUM_DURATION.value: _l("Maximum duration"),
    Kind.PROHIBITION.value: _l("Prohibition"),
    Kind.SAFEGUARD.value: _l("Safeguard"),
}


def status_word(status: str) -> str:
    word = STATUS_WORDS.get(str(status))
    return str(word) if word is not None else str(status)


def force_words(advisory: bool, verification: str, force: str) -> tuple[str, str]:
    """The binding/advisory marker and the sentence explaining it.

    Rules from a secondary or unverified source (S, U), and rules whose force is
    advisory, are advisory: shown, never counted as breaches.
    """
    level = str(VERIFICATION_WORDS.get(str(verification), verification))
    if advisory:
        if str(verification) in UNCHECKED:
            return _("Advisory"), _("%(level)s; shown for guidance, never counted as a breach.", level=level)
        return _("Advisory"), _("Guidance, not binding law; never counted as a breach. %(level)s.", level=level)
    if str(force) == "international_standard":
        return _("Binding"), _("International standard; a breach is flagged. %(level)s.", level=level)
    return _("Binding"), _("Binding law. %(level)s.", level=level)


def _seconds(later: datetime, earlier: datetime) -> int:
    return max(0, int((later - earlier).total_seconds()))


@dataclass(frozen=True)
class DeadlineView:
    """One deadline as the case page shows it."""

    deadline: Deadline
    status: str
    status_label: str
    marker: str
    marker_hint: str
    # Seconds until the due instant (open limits) or past it (breached, past due, met late).
    left: int | None
    overdue: int | None

    @property
    def anchor(self) -> str:
        d = self.deadline
        return f"deadline-{d.rule_id}" + (f"-{d.start_key}" if d.start_key else "")


def _view(d: Deadline, moment: datetime) -> DeadlineView:
    marker, hint = force_words(d.advisory, d.verification.value, d.force.value)
    left = overdue = None
    if d.due is not None:
        if d.status in (Status.PENDING, Status.AT_RISK):
            left = _seconds(d.due, moment)
        elif d.status in (Status.BREACHED, Status.ADVISORY_UNMET):
            overdue = _seconds(moment, d.due)
        elif d.status is Status.MET_LATE and d.met_at is not None:
            overdue = _seconds(d.met_at, d.due)
    return DeadlineView(d, d.status.value, status_word(d.status.value), marker, hint, left, overdue)


@dataclass(frozen=True)
class CaseDeadlines:
    rows: list[DeadlineView]
    not_applicable: list[DeadlineView]
    # Binding limits breached: with the child in custody, the page opens with a warning.
    breaches: list[DeadlineView]


def case_deadline_view(deadlines: list[Deadline], moment: datetime) -> CaseDeadlines:
    """Deadlines in the order a clerk acts on them: breached, past due, at risk, pending, met late, met.

    Within a status, the earliest due first (limits with no due instant last), then the pack's order.
    """
    rank = {status: index for index, status in enumerate(CASE_ORDER)}
    far = datetime.max.replace(tzinfo=UTC)
    indexed = list(enumerate(deadlines))
    applicable = sorted(
        ((i, d) for i, d in indexed if d.status is not Status.NOT_APPLICABLE),
        key=lambda item: (rank.get(item[1].status, len(rank)), item[1].due or far, item[0]),
    )
    rows = [_view(d, moment) for _i, d in applicable]
    return CaseDeadlines(
        rows=rows,
        not_applicable=[_view(d, moment) for _i, d in indexed if d.status is Status.NOT_APPLICABLE],
        breaches=[row for row in rows if row.deadline.is_breach and not row.deadline.advisory],
    )


@bp.app_template_global("case_deadline_view")
def _case_deadline_view_global(deadlines: list[Deadline], moment: datetime) -> CaseDeadlines:
    return case_deadline_view(deadlines, moment)


# -- the board ------------------------------------------------------------------------------------------------


def _board_zone(user: User) -> ZoneInfo:
    """Where a date or local time typed into `as_of` is read: the clerk's court, otherwise UTC."""
    if user.role == Role.CLERK and user.court is not None:
        return ZoneInfo(user.court.effective_time_zone)
    return ZoneInfo("UTC")


def _board_as_of(zone: ZoneInfo) -> datetime | None:
    raw = request.args.get("as_of")
    if raw is None or raw.strip() == "":
        return None
    try:
        return parse_as_of(raw, zone)
    except ValueError as exc:
        abort(400, description=_("The instant to show the board at (as_of) is not valid: %(why)s", why=str(exc)))


@dataclass(frozen=True)
class BoardDeadline:
    row: CaseDeadline
    status: str
    status_label: str
    marker: str
    marker_hint: str
    left: int | None
    overdue: int | None


def _board_deadline(row: CaseDeadline, status: str, at: datetime) -> BoardDeadline:
    marker, hint = force_words(row.advisory, row.verification, row.force)
    left = overdue = None
    if row.due is not None:
        if row.due < at:
            overdue = _seconds(at, row.due)
        else:
            left = _seconds(row.due, at)
    return BoardDeadline(row, status, status_word(status), marker, hint, left, overdue)


@dataclass(frozen=True)
class BoardCustody:
    row: queries.CustodyRow
    kind: str
    held: int
    facility: str | None
    next: BoardDeadline | None


def _board_custody(row: queries.CustodyRow, at: datetime) -> BoardCustody:
    case = row.case
    following = _board_deadline(row.next_deadline, row.next_status or "", at) if row.next_deadline else None
    assert case.custody_since is not None
    return BoardCustody(
        row, custody_word(case.custody_state), _seconds(at, case.custody_since), row.facility, following
    )


@bp.route("/board")
@access(*BOARD_ROLES)
def board():
    """Breached and at-risk deadlines and children in custody: a clerk's court, a lawyer's clients, or all."""
    user = g.user
    zone = _board_zone(user)
    as_of = _board_as_of(zone)
    at = as_of or utcnow()
    jurisdictions = filter_jurisdictions(user)
    courts = filter_courts(user)
    filters = queries.BoardFilters.from_args(
        request.args, jurisdictions=[j.code for j in jurisdictions], courts=[c.id for c in courts]
    )
    size = current_app.config["PAGE_SIZE"]
    attention = queries.board_deadlines(user, at, filters, size, live=as_of is None)
    custody = queries.board_custody(user, at, filters, size)
    deadline_rows = [_board_deadline(row, status, at) for row, status in attention.items]
    custody_rows = [_board_custody(row, at) for row in custody.items]
    used = ",".join(filters.used + (["as_of"] if as_of else [])) or "none"
    detail = (
        f"filters={used} limits={attention.total} page={attention.number} "
        f"custody={custody.total} cpage={custody.number}"
    )
    record("board_viewed", "board", None, detail=detail)
    return render_audited(
        "deadlines/board.html",
        filters=filters,
        as_of=as_of,
        as_of_param=as_of.strftime("%Y-%m-%dT%H:%M:%SZ") if as_of else None,
        as_of_input=as_of.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if as_of else "",
        future=as_of is not None and as_of > utcnow(),
        zone=zone.key,
        attention=attention,
        deadline_rows=deadline_rows,
        custody=custody,
        custody_rows=custody_rows,
        jurisdictions=jurisdictions,
        courts=courts,
        statuses=[(v, _("All needing attention") if v == "all" else status_word(v)) for v in queries.BOARD_STATUSES],
        kinds=[(value, str(word)) for value, word in KIND_WORDS.items()],
        custody_kinds=[(value, custody_word(value)) for value in queries.CUSTODY_KINDS],
    )
