"""What is wrong with a timeline or an event's details, said in words a clerk can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineProblem:
    """One problem with one event (or with details not yet tied to an event).

    `field` is "at", "type" or the name of a details field, so that a form can put
    the message next to the input that caused it.
    """

    event_key: str | None
    field: str
    message: str
    event_type: str | None = None

    def __str__(self) -> str:
        if self.event_key is not None:
            subject = f"event {self.event_key}"
            if self.event_type:
                subject += f" ({self.event_type})"
        elif self.event_type:
            subject = f"{self.event_type} event"
        else:
            subject = "event"
        return f"{subject}: field '{self.field}': {self.message}"
