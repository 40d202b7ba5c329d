"""The deadline digest: each clerk and lawyer is emailed what became breached or at risk since their last one.

Who gets what: an active clerk the cases of their court, an active lawyer their
clients' cases (`queries.visible_cases`), open cases only. A deadline is *new* for
a user until a digest reporting it in its current status has been handed to the
mail server (`DigestLog`): an at-risk deadline is reported once at risk and once
more when it is breached. Nothing new, no email.

Emails leave the system, so they carry the case reference, the child's
pseudonym, the rule, its citation, the due time in the court's local time and a
link to the case — never a child's name, birth date, address or charge. The
subject names no case and no child.

`run` is called by `flask deadlines notify`: the caller commits once, after every
message was tried. A message the server did not take leaves that user's log
untouched, so the next run reports the same deadlines again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app
from jinja2 import Environment, StrictUndefined
from sqlalchemy import exists, select

from justice_tracker.audit.service import record
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, Child
from justice_tracker.db import db
from justice_tracker.deadlines.mail import MailError, SmtpMailer, SmtpSettings
from justice_tracker.deadlines.models import CaseDeadline, DigestLog
from justice_tracker.deadlines.queries import needing_attention, status_at
from justice_tracker.org.models import Court, Jurisdiction
from justice_tracker.rules.model import Status
from justice_tracker.web.templating import local_time

SUBJECT_PREFIX = "Justice Tracker"

STATUS_LABELS = {
    Status.BREACHED.value: "BREACHED",
    Status.AT_RISK.value: "at risk",
    Status.ADVISORY_UNMET.value: "past due (advisory)",
}


@dataclass(frozen=True)
class DigestItem:
    """One deadline in a digest; every field here may leave the system."""

    case_id: int
    reference: str
    pseudonym: str
    rule_id: str
    title: str
    citation: str
    advisory: bool
    status: str
    due: datetime
    due_local: str
    link: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def past_due(self) -> bool:
        return self.status != Status.AT_RISK.value


@dataclass
class Digest:
    user: User
    items: list[DigestItem] = field(default_factory=list)

    @property
    def binding(self) -> list[DigestItem]:
        """Binding deadlines: breaches first, then at risk, each by due instant."""
        return sorted((i for i in self.items if not i.advisory), key=lambda i: (not i.past_due, i.due))

    @property
    def advisory(self) -> list[DigestItem]:
        return sorted((i for i in self.items if i.advisory), key=lambda i: (not i.past_due, i.due))

    @property
    def breached_count(self) -> int:
        return sum(i.status == Status.BREACHED.value for i in self.items)

    @property
    def at_risk_count(self) -> int:
        return sum(i.status == Status.AT_RISK.value and not i.advisory for i in self.items)

    @property
    def subject(self) -> str:
        parts = []
        if self.breached_count:
            parts.append(f"{self.breached_count} breached")
        if self.at_risk_count:
            parts.append(f"{self.at_risk_count} at risk")
        if self.advisory:
            parts.append(f"{len(self.advisory)} advisory")
        return f"{SUBJECT_PREFIX}: deadline digest — " + ", ".join(parts)


@dataclass
class RunResult:
    sent: list[Digest] = field(default_factory=list)
    failed: list[tuple[Digest, str]] = field(default_factory=list)
    # Recipients considered: active clerks of a court and active lawyers.
    considered: int = 0

    @property
    def items_sent(self) -> int:
        return sum(len(d.items) for d in self.sent)


# -- building -------------------------------------------------------------------------------------------------


def recipients() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                ((User.role == Role.CLERK) & User.court_id.is_not(None)) | (User.role == Role.LAWYER),
            )
            .order_by(User.id)
        )
    )


def new_items(user: User, at: datetime, *, include_advisory: bool, base_url: str) -> list[DigestItem]:
    """The user's breached and at-risk deadlines at `at` not yet reported to them in that status."""
    status_now = status_at(at)
    already_sent = exists().where(
        DigestLog.user_id == user.id,
        DigestLog.case_id == CaseDeadline.case_id,
        DigestLog.rule_id == CaseDeadline.rule_id,
        DigestLog.due == CaseDeadline.due,
        DigestLog.status == status_now,
    )
    stmt = (
        needing_attention(user, at, include_advisory=include_advisory)
        .where(~already_sent)
        .join_from(Case, Child, Child.id == Case.child_id)
        .join_from(Case, Court, Court.id == Case.court_id)
        .join_from(Court, Jurisdiction, Jurisdiction.code == Court.jurisdiction_code)
        .add_columns(Case.reference, Child.pseudonym, Court.time_zone, Jurisdiction.time_zone)
    )
    items: dict[tuple[int, str, datetime, str], DigestItem] = {}
    for deadline, status, reference, pseudonym, court_zone, jurisdiction_zone in db.session.execute(stmt):
        key = (deadline.case_id, deadline.rule_id, deadline.due, status)
        items.setdefault(
            key,
            DigestItem(
                case_id=deadline.case_id,
                reference=reference,
                pseudonym=pseudonym,
                rule_id=deadline.rule_id,
                title=deadline.title,
                citation=deadline.citation,
                advisory=deadline.advisory,
                status=status,
                due=deadline.due,
                due_local=local_time(deadline.due, court_zone or jurisdiction_zone),
                link=f"{base_url}/cases/{deadline.case_id}",
            ),
        )
    return list(items.values())


def build_digests(at: datetime, users: Sequence[User] | None = None) -> list[Digest]:
    """A digest for each recipient with something new at `at` (users without anything new are left out)."""
    config = current_app.config
    base_url = str(config["BASE_URL"]).rstrip("/")
    include_advisory = bool(config["DIGEST_INCLUDE_ADVISORY"])
    digests = []
    for user in recipients() if users is None else users:
        items = new_items(user, at, include_advisory=include_advisory, base_url=base_url)
        if items:
            digests.append(Digest(user, items))
    return digests


# -- composing ------------------------------------------------------------------------------------------------

_TEXT = """\
Justice Tracker — legal time limits that need attention ({{ at_local }}).
These deadlines became breached or at risk since your last digest.
{% for heading, items in sections %}

{{ heading }}
{{ "=" * heading|length }}
{% for i in items %}
* [{{ i.status_label }}] {{ i.reference }} — child {{ i.pseudonym }}
  {{ i.title }}
  {{ i.citation }}
  Due: {{ i.due_local }}
  {{ i.link }}
{% endfor %}
{% endfor %}

{% if has_advisory %}
Advisory deadlines come from sources not verified against the law's text: they are
never counted as breaches, but check them.
{% endif %}
You receive this digest because you are a {{ role }} in Justice Tracker.
"""

_HTML = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>
<p>Justice Tracker — legal time limits that need attention ({{ at_local }}).<br>
These deadlines became breached or at risk since your last digest.</p>
{% for heading, items in sections %}
<h2>{{ heading }}</h2>
<table border="1" cellpadding="4" cellspacing="0">
<thead><tr><th>Status</th><th>Case</th><th>Child</th><th>Limit</th><th>Citation</th><th>Due</th></tr></thead>
<tbody>
{% for i in items %}
<tr><td>{{ i.status_label }}</td><td><a href="{{ i.link }}">{{ i.reference }}</a></td><td>{{ i.pseudonym }}</td>
<td>{{ i.title }}</td><td>{{ i.citation }}</td><td>{{ i.due_local }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endfor %}
<p>{% if has_advisory %}Advisory deadlines come from sources not verified against the law's text: they are
never counted as breaches, but check them.<br>{% endif %}
You receive this digest because you are a {{ role }} in Justice Tracker.</p>
</body></html>
"""

# The plain-text part is never rendered as HTML; escaping would turn "R&D" into "R&amp;D" there.
_text_env = Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)  # noqa: S701
_html_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
TEXT_TEMPLATE = _text_env.from_string(_TEXT)
HTML_TEMPLATE = _html_env.from_string(_HTML)


def compose(digest: Digest, at: datetime, sender: str) -> EmailMessage:
    sections = []
    if digest.binding:
        sections.append(("Binding legal limits", digest.binding))
    if digest.advisory:
        sections.append(("Advisory (not verified; never counted as breaches)", digest.advisory))
    context = {
        "sections": sections,
        "subject": digest.subject,
        "has_advisory": bool(digest.advisory),
        "role": digest.user.role,
        "at_local": local_time(at, "UTC"),
    }
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = digest.user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    # RFC 3834: an automatic message; auto-responders should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(TEXT_TEMPLATE.render(context))
    message.add_alternative(HTML_TEMPLATE.render(context), subtype="html")
    return message


# -- sending --------------------------------------------------------------------------------------------------


def mark_sent(digest: Digest, at: datetime) -> None:
    db.session.add_all(
        DigestLog(user_id=digest.user.id, case_id=i.case_id, rule_id=i.rule_id, due=i.due, status=i.status, sent_at=at)
        for i in digest.items
    )


def run(at: datetime, *, dry_run: bool = False) -> RunResult:
    """Build every digest due at `at` and send it; flushes the log of what was sent, never commits.

    Each attempt is audited (ids and counts only). With `dry_run`, `sent` holds the
    digests that would go out and nothing is sent or written.
    """
    users = recipients()
    result = RunResult(considered=len(users))
    digests = build_digests(at, users)
    if dry_run:
        result.sent = digests
        return result
    settings = SmtpSettings.from_config(current_app.config)
    with SmtpMailer(settings) as smtp:
        for digest in digests:
            try:
                smtp.send(compose(digest, at, settings.sender))
            except MailError as exc:
                result.failed.append((digest, str(exc)))
                record("deadline_digest_sent", "user", digest.user.id, outcome="failure", detail=str(exc))
                continue
            mark_sent(digest, at)
            result.sent.append(digest)
            record("deadline_digest_sent", "user", digest.user.id, detail=f"deadlines={len(digest.items)}")
    db.session.flush()
    return result
