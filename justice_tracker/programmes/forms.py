"""Forms of the programme pages: a programme, its capacity, coordinators, referring a child, a referral's next step.

The programme forms only read what was typed (text, numbers, yes/no, lists); whether the values
are right is decided by the registry's one set of rules (`registry_io.check_programme`, also the
import's), which the services apply and whose errors the views put next to each field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from justice_tracker.cases.forms import (
    LOCAL_FORMATS,
    LocalTimeError,
    MultiCheckboxField,
    choices,
    expected_version,
    local_to_utc,
    split_list,
)
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.referrals import State, allowed
from justice_tracker.programmes.registry_io import COLUMNS
from justice_tracker.programmes.vocabulary import COSTS, FAILURE_REASONS, PROGRAMME_TYPES, STAGES


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

    def programme_data(self) -> dict[str, object]:
        return {
            "places": self.places.data,
            "enrolled": self.enrolled.data,
            "waiting_list": self.waiting_list.data,
            "wait_days": self.wait_days.data,
            "active": bool(self.active.data),
        }


def _number(label: str, kind: type[IntegerField] | type[FloatField] = IntegerField) -> IntegerField | FloatField:
    return kind(_l(label), validators=[Optional()])  # blank allowed here; the registry's rules say what is required


def _lines(text: str | None) -> list[str]:
    """One item a line, blanks and repeats dropped, order kept."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


COMMA_LISTS = ("languages", "offence_classes", "excluded_offence_classes")
LINE_LISTS = ("areas", "exclusions")


class ProgrammeDetailsForm(VersionedForm):
    """What a programme's coordinators keep current: contact, description, languages, areas, cost, capacity."""

    contact = StringField(_l("Contact"), filters=[_strip])
    description = TextAreaField(_l("Description"), filters=[_strip])
    languages = StringField(_l("Languages it works in (separated by commas)"), filters=[_strip])
    areas = TextAreaField(_l("Areas served (one a line; none: the whole jurisdiction)"), filters=[_strip])
    cost = SelectField(_l("Cost to the family"), choices=list(COSTS.items()), default="free", validate_choice=False)
    places = _number("Places")
    enrolled = _number("Children enrolled now")
    waiting_list = _number("Children on the waiting list")
    wait_days = _number("Typical wait for a place (days)")
    active = BooleanField(_l("Taking referrals"), default=True)

    def programme_data(self) -> dict[str, Any]:
        """What was typed, in the registry's format (`registry_io.COLUMNS`): lists as lists, blanks as None."""
        data: dict[str, Any] = {}
        for field in self:
            if field.name in ("csrf_token", "version"):
                continue
            if field.name in COMMA_LISTS:
                data[field.name] = split_list(field.data)
            elif field.name in LINE_LISTS:
                data[field.name] = _lines(field.data)
            elif isinstance(field, BooleanField):
                data[field.name] = bool(field.data)
            else:
                data[field.name] = field.data
        return data

    @staticmethod
    def initial(programme: Programme) -> dict[str, Any]:
        """A stored programme as the form shows it."""
        values = {name: getattr(programme, name) for name in COLUMNS if name != "jurisdiction"}
        values["jurisdiction"] = programme.jurisdiction_code
        values |= {name: ", ".join(values[name] or []) for name in COMMA_LISTS}
        values |= {name: "\n".join(values[name] or []) for name in LINE_LISTS}
        return values


class ProgrammeForm(ProgrammeDetailsForm):
    """Every field of a programme, for administrators (the code only when adding one: it is the registry's key)."""

    code = StringField(_l("Code"), filters=[_strip])
    name = StringField(_l("Name"), filters=[_strip])
    provider = StringField(_l("Provider"), filters=[_strip])
    type = SelectField(_l("Type"), validate_choice=False)
    stages = MultiCheckboxField(_l("Stages it serves"), choices=list(STAGES.items()), validate_choice=False)
    jurisdiction = SelectField(_l("Jurisdiction"), validate_choice=False)
    min_age = _number("Youngest age taken")
    max_age = _number("Oldest age taken")
    offence_classes = StringField(_l("Offence classes taken (separated by commas; none: any)"), filters=[_strip])
    excluded_offence_classes = StringField(_l("Offence classes not taken (separated by commas)"), filters=[_strip])
    max_penalty_years = _number("Highest maximum penalty taken (years)", FloatField)
    requires_acknowledgement = BooleanField(
        _l("Needs an acknowledgement of responsibility (never an admission of guilt)")
    )
    requires_child_consent = BooleanField(_l("Needs the child's consent"), default=True)
    requires_parent_consent = BooleanField(_l("Needs a parent's or guardian's consent"))
    exclusions = TextAreaField(_l("Exclusions (one a line, for example current violence)"), filters=[_strip])

    def set_choices(self, jurisdictions: list[SelectChoice]) -> None:
        self.type.choices = [("", _l("Choose…")), *((name, t.label) for name, t in PROGRAMME_TYPES.items())]
        self.jurisdiction.choices = [SelectChoice("", _l("Choose…")), *jurisdictions]


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
