"""Sending email through the configured SMTP server (the `MAIL_*` settings).

One connection serves a run of messages; after any failure it is dropped and the
next message opens a new one, so that one refused recipient or a dropped
connection costs that message only. With `MAIL_USE_TLS` the connection is
upgraded with STARTTLS (certificate and host name checked) before anything else is
said, and a server that does not offer STARTTLS is a failure, never a fall-back to
clear text. With `MAIL_USERNAME` set the client logs in.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Any


class MailError(Exception):
    """A message could not be handed to the SMTP server; the text says why (never the message's content)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30
    sender: str = "justice-tracker@localhost"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            host=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            timeout=float(config.get("MAIL_TIMEOUT") or 30),
            sender=config["MAIL_FROM"],
        )


class SmtpMailer:
    """Hands messages to an SMTP server; use as a context manager so the connection is closed."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Send one message, or raise `MailError` (the connection is then dropped)."""
        try:
            smtp = self._smtp or self._connect()
            refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise MailError(_describe(exc)) from exc
        if refused:
            # Only possible with several recipients: some accepted, some not.
            raise MailError(f"recipient(s) refused: {', '.join(sorted(refused))}")

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipient(s) refused: {', '.join(sorted(exc.recipients))}"
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{type(exc).__name__}: {exc.smtp_code} {message}"
    return f"{type(exc).__name__}: {exc}"
