"""Forms of the programme pages: capacity, coordinators, referring a child, a referral's next step."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from justice_tracker.cases.forms import LOCAL_FORMATS, LocalTimeError, choices, expected_version, local_to_utc
from justice_tracker.programmes.referrals import State, allowed
from justice_tracker.programmes.vocabulary import FAILURE_REASONS


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class VersionedForm(FlaskForm):
    version = HiddenField()

    def expected_version(self) -> int:
        return expected_version(self.version.data)


def _count(label: str, *, required: bool = True) -> IntegerField:
    checks = [InputRequired()] if required else [Optional()]
    return IntegerField(_l(label), validators=[*checks, NumberRange(min=0, max=100_000)])


class CapacityForm(VersionedForm):
    places = _count("Places")
    enrolled = _count("Children enrolled now")
    waiting_list = _count("Children on the waiting list")
    wait_days = _count("Typical wait for a place (days)", required=False)
    active = BooleanField(_l("Taking referrals"))

    def capacity_data(self) -> dict[str, object]:
        return {
            "places": self.places.data,
            "enrolled": self.enrolled.data,
            "waiting_list": self.waiting_list.data,
            "wait_days": self.wait_days.data,
            "active": bool(self.active.data),
        }


class CoordinatorForm(FlaskForm):
    user_id = SelectField(_l("Coordinator account"), coerce=int, validators=[InputRequired()])


class ReferForm(FlaskForm):
    programme_id = IntegerField(validators=[InputRequired()])
    reason = TextAreaField(_l("Why this programme (optional)"), validators=[Length(max=1000)], filters=[_strip])


class StepForm(VersionedForm):
    """A referral's next step; `at` is local wall time in the court's zone (blank: now)."""

    state = SelectField(_l("Next step"), validators=[InputRequired()])
    at = DateTimeLocalField(
        _l("When (blank: now)"),
        format=LOCAL_FORMATS,
        validators=[Optional()],
        invalid_value_message=_l("Give a date and time, for example 2026-03-01T14:30."),
    )
    reason = TextAreaField(_l("Reason"), validators=[Length(max=1000)], filters=[_strip])
    failure_reason = SelectField(_l("Why it failed"), choices=choices(list(FAILURE_REASONS), blank=_l("—")))
    child_consent = BooleanField(_l("The child consents"))
    parent_consent = BooleanField(_l("A parent or guardian consents"))
    acknowledgement = BooleanField(_l("The child acknowledges responsibility (never an admission of guilt)"))

    def set_states(self, current: str) -> None:
        self.state.choices = choices([s.value for s in allowed(current)])

    def at_utc(self, tz: ZoneInfo) -> datetime | None:
        """The instant entered, or None for now; a local time the clocks skipped or repeated is an error."""
        if self.at.data is None:
            return None
        try:
            return local_to_utc(self.at.data, tz)
        except LocalTimeError as exc:
            self.at.errors = [*self.at.errors, str(exc)]
            raise

    @property
    def accepting(self) -> bool:
        return self.state.data == State.ACCEPTED
