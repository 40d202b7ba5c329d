"""The daily deadline digest, sent through a real SMTP server (aiosmtpd on 127.0.0.1).

No mocks: `flask deadlines notify` talks SMTP to a local server that collects what
it receives, and the assertions read the messages as a mail client would.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.deadlines.models import DigestLog

BASE_URL = "https://jt.example.org"
CHILD_NAMES = ("Zeynep", "Quillfeather", "Oluwaseun", "Marchbanks")
BIRTH_DATES = ("2010-05-14", "2009-11-03")
CHARGE = "burglary of a dwelling"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An aiosmtpd handler keeping every message; recipients listed in `refuse` get a 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[bytes, bytes]] = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, email: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if email in rcpts]

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            # handled=False: aiosmtpd answers a refusal with 535 itself (else the client waits for a reply).
            return AuthResult(success=auth_data.password == b"smtp-pass-word", handled=False)
        return AuthResult(success=False, handled=False)


@pytest.fixture()
def smtp(app, monkeypatch) -> Iterator[Collector]:
    collector = Collector()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=collector.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    collector.port = controller.port
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_FROM", "Justice Tracker <digest@jt.example.org>")
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL + "/")
    monkeypatch.setitem(app.config, "DIGEST_INCLUDE_ADVISORY", True)
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture()
def world(make, clock):
    """Two courts in England, one in Brazil; clerks, lawyers and three children held too long."""
    now = clock.now
    london, quiet, sao_paulo = make.court("GB-EAW"), make.court("GB-EAW"), make.court("BR")
    clerk = make.user(Role.CLERK, london)
    idle_clerk = make.user(Role.CLERK, quiet)
    gone_clerk = make.user(Role.CLERK, london)
    gone_clerk.active = False
    lawyer = make.user(Role.LAWYER)
    idle_lawyer = make.user(Role.LAWYER)
    db.session.commit()
    offences = [{"description": CHARGE, "max_penalty_years": 10.0, "offence_class": "indictable"}]

    def child(court, given, family, born):
        return make.child(court=court, given_name=given, family_name=family, date_of_birth=born)

    # 30 h after arrest and never charged: PACE s. 41 (24 h) and the first review (6 h) breached.
    breached = make.case(
        court=london,
        child=child(london, "Zeynep", "Quillfeather", date(2010, 5, 14)),
        lawyers=[lawyer],
        reference="R&D<7>",
        offences=offences,
        events=[("apprehended", now - timedelta(hours=30), {})],
    )
    # 20 h after arrest: PACE s. 41 at risk (due at 16:00 UTC), the first review breached.
    at_risk = make.case(
        court=london,
        child=child(london, "Oluwaseun", "Marchbanks", date(2009, 11, 3)),
        offences=offences,
        events=[("apprehended", now - timedelta(hours=20), {})],
    )
    # Brazil, 4.5 days in a police facility: ECA art. 175 (24 h) breached, art. 185 (5 days, advisory) at risk.
    brazil = make.case(
        court=sao_paulo,
        child=child(sao_paulo, "Zeynep", "Marchbanks", date(2010, 5, 14)),
        lawyers=[lawyer],
        offences=[{"description": CHARGE, "max_penalty_years": 10.0}],
        events=[("apprehended", now - timedelta(days=4, hours=12), {})],
    )
    return {
        "clerk": clerk,
        "idle_clerk": idle_clerk,
        "gone_clerk": gone_clerk,
        "lawyer": lawyer,
        "idle_lawyer": idle_lawyer,
        "breached": breached,
        "at_risk": at_risk,
        "brazil": brazil,
    }


def _notify(app, *args: str):
    return app.test_cli_runner().invoke(args=["deadlines", "notify", *args])


def _log_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(DigestLog))


def _text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def test_each_clerk_and_lawyer_gets_only_their_own_new_deadlines(app, smtp, world):
    result = _notify(app)
    assert result.exit_code == 0, result.output
    assert "2 digest(s) sent" in result.output

    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([world["clerk"].email, world["lawyer"].email])

    (clerk_mail,) = smtp.to(world["clerk"].email)
    text = _text(clerk_mail)
    breached, at_risk = world["breached"], world["at_risk"]
    assert breached.child.pseudonym in text and at_risk.child.pseudonym in text
    assert world["brazil"].reference not in text and world["brazil"].child.pseudonym not in text
    assert f"{BASE_URL}/cases/{breached.id}\n" in text and f"{BASE_URL}/cases/{at_risk.id}\n" in text
    assert "PACE 1984, s. 41" in text and "Detention without charge at most 24 hours" in text
    # Due in the court's local time: 06:00 UTC is 07:00 in London in June.
    assert "Due: 2026-06-01 07:00 BST" in text
    # Breaches before at-risk deadlines.
    assert text.index("[BREACHED]") < text.index("[at risk]")
    assert clerk_mail["Subject"] == "Justice Tracker: deadline digest — 3 breached, 1 at risk"
    assert clerk_mail["From"] == "Justice Tracker <digest@jt.example.org>"
    assert clerk_mail["Auto-Submitted"] == "auto-generated"

    (lawyer_mail,) = smtp.to(world["lawyer"].email)
    text = _text(lawyer_mail)
    assert at_risk.reference not in text
    binding, advisory = text.split("Advisory (not verified")
    assert "ECA" in binding and "art. 175" in binding and "[BREACHED]" in binding
    assert "[at risk]" in advisory and "art. 185" in advisory and "BREACHED" not in advisory
    assert "Due: 2026-06-01 23:59 -03" in advisory  # São Paulo's end of the fifth day
    assert lawyer_mail["Subject"] == "Justice Tracker: deadline digest — 3 breached, 1 advisory"


def test_no_child_identity_leaves_the_system(app, smtp, world):
    assert _notify(app).exit_code == 0
    assert len(smtp.messages) == 2
    for _rcpts, message in smtp.messages:
        raw = message.as_string()
        for secret in (*CHILD_NAMES, *BIRTH_DATES, CHARGE):
            assert secret not in raw
            assert secret not in _text(message) and secret not in _html(message)
        for case in (world["breached"], world["at_risk"], world["brazil"]):
            assert case.reference not in message["Subject"] and case.child.pseudonym not in message["Subject"]


def test_html_alternative_is_escaped(app, smtp, world):
    assert _notify(app).exit_code == 0
    (message,) = smtp.to(world["lawyer"].email)
    assert message.get_content_type() == "multipart/alternative"
    html = _html(message)
    assert "R&amp;D&lt;7&gt;" in html and "R&D<7>" not in html
    assert f'<a href="{BASE_URL}/cases/{world["breached"].id}">' in html
    assert "R&D<7>" in _text(message)  # plain text is not HTML-escaped


def test_a_second_run_sends_nothing_and_a_new_breach_is_reported_next_time(app, smtp, world, clock):
    assert _notify(app).exit_code == 0
    logged = _log_count()
    assert len(smtp.messages) == 2 and logged == 8

    again = _notify(app)
    assert again.exit_code == 0, again.output
    assert "0 digest(s) sent" in again.output
    assert len(smtp.messages) == 2 and _log_count() == logged

    # 17:00 UTC: the 24-hour limit of the second child (due 16:00) has now passed.
    clock.now += timedelta(hours=5)
    later = _notify(app)
    assert later.exit_code == 0, later.output
    assert len(smtp.messages) == 3
    (rcpts, message) = smtp.messages[-1]
    assert rcpts == [world["clerk"].email]
    text = _text(message)
    assert text.count("[BREACHED]") == 1 and "[at risk]" not in text
    assert world["at_risk"].reference in text and world["breached"].reference not in text
    assert message["Subject"] == "Justice Tracker: deadline digest — 1 breached"
    assert _log_count() == logged + 1


def test_dry_run_sends_and_records_nothing(app, smtp, world):
    result = _notify(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"would send to user {world['clerk'].id} (clerk): 4 binding, 0 advisory" in result.output
    assert f"would send to user {world['lawyer'].id} (lawyer): 3 binding, 1 advisory" in result.output
    assert smtp.messages == [] and _log_count() == 0


def test_advisory_deadlines_can_be_left_out(app, smtp, world, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_INCLUDE_ADVISORY", False)
    assert _notify(app).exit_code == 0
    (message,) = smtp.to(world["lawyer"].email)
    assert "Advisory (not verified" not in _text(message) and "art. 185" not in _text(message)


def test_unreachable_server_leaves_the_log_untouched_and_exits_non_zero(app, smtp, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())  # nothing listens there
    result = _notify(app)
    assert result.exit_code == 1
    assert f"user {world['clerk'].id}: digest not sent" in result.stderr
    assert f"user {world['lawyer'].id}: digest not sent" in result.stderr
    assert "0 digest(s) sent" in result.output and "2 failed" in result.output
    assert _log_count() == 0
    failures = db.session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "deadline_digest_sent", AuditEntry.outcome == "failure")
    ).all()
    assert sorted(failures) == sorted([str(world["clerk"].id), str(world["lawyer"].id)])

    # The server is back: everything is reported, once.
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    retry = _notify(app)
    assert retry.exit_code == 0, retry.output
    assert len(smtp.messages) == 2 and _log_count() == 8


def test_one_refused_recipient_does_not_stop_the_others(app, smtp, world):
    smtp.refuse.add(world["clerk"].email)
    result = _notify(app)
    assert result.exit_code == 1
    assert f"user {world['clerk'].id}: digest not sent: recipient(s) refused" in result.stderr
    assert [rcpts for rcpts, _ in smtp.messages] == [[world["lawyer"].email]]
    db.session.expire_all()
    assert set(db.session.scalars(select(DigestLog.user_id))) == {world["lawyer"].id}

    # The clerk's mailbox is back: the clerk gets the same deadlines, the lawyer nothing again.
    smtp.refuse.clear()
    retry = _notify(app)
    assert retry.exit_code == 0, retry.output
    assert [rcpts for rcpts, _ in smtp.messages[1:]] == [[world["clerk"].email]]
    assert _text(smtp.messages[1][1]).count("[BREACHED]") == 3


def test_tls_is_required_when_configured(app, smtp, world, monkeypatch):
    # The local server offers no STARTTLS: the digest must not go out in clear text.
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    result = _notify(app)
    assert result.exit_code == 1 and "STARTTLS" in result.stderr
    assert smtp.messages == [] and _log_count() == 0


def test_logs_in_when_a_username_is_set(app, smtp, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "jt-digest")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
    refused = _notify(app)
    assert refused.exit_code == 1 and "SMTPAuthenticationError: 535" in refused.stderr
    assert smtp.messages == [] and _log_count() == 0

    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "smtp-pass-word")
    result = _notify(app)
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 2
    assert smtp.logins[-1] == (b"jt-digest", b"smtp-pass-word")
