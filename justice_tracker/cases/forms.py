"""Forms of the case pages: children, cases, lawyers, and event forms built from the vocabulary.

Event forms are generated from an event type's `FieldSpec`s, so that every type of
the vocabulary can be recorded and a new type needs no new form. Details are
collected as the raw strings a browser posts and checked by the services (one
source of truth: `timeline.details.clean_details`); the form itself only turns the
local date-time entered in the court's zone into a UTC instant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget, NumberInput

from justice_tracker.timeline.vocabulary import EVENT_TYPES, EventType, FieldKind, FieldSpec

OFFENCE_CLASSES = ("petty", "serious", "heinous", "summary", "either_way", "indictable", "delit", "crime", "other")
OFFENCE_ROWS = 3
MAX_OFFENCE_ROWS = 20
MAX_LANGUAGES = 10
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
OFFSET_SUFFIX = "__offset"
EARLIEST_YEAR = 1900

_VERSION = re.compile(r"[0-9]{1,9}", re.ASCII)
_OFFSET = re.compile(r"([+-])([0-9]{1,2})(?::?([0-9]{2}))?", re.ASCII)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def humanize(value: str) -> str:
    """A vocabulary value as words: "to_parents" → "To parents"."""
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


def choices(values: tuple[str, ...] | list[str], blank: Any = None) -> list[SelectChoice]:
    found = [SelectChoice(value=v, label=_l(humanize(v))) for v in values]
    return ([SelectChoice(value="", label=blank)] if blank is not None else []) + found


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multiple select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# -- local time ----------------------------------------------------------------------------------------------


class LocalTimeError(ValueError):
    """A local time that cannot be turned into one instant; the message says what to do."""


def parse_offset(text: str | None) -> timedelta | None:
    """ "+01:00", "+0100", "-3", "Z" or "UTC" → a UTC offset; blank → None. ValueError if unreadable."""
    raw = (text or "").strip().upper()
    if not raw:
        return None
    if raw in ("Z", "UTC", "GMT"):
        return timedelta(0)
    raw = raw.removeprefix("UTC").removeprefix("GMT").strip()
    found = _OFFSET.fullmatch(raw)
    if found is None:
        raise ValueError(_("Write the UTC offset as +HH:MM or -HH:MM, for example +01:00."))
    hours, minutes = int(found.group(2)), int(found.group(3) or 0)
    if minutes >= 60 or hours * 60 + minutes > 14 * 60:
        raise ValueError(_("A UTC offset lies between -14:00 and +14:00."))
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if found.group(1) == "-" else offset


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def local_to_utc(naive: datetime, tz: ZoneInfo, offset: timedelta | None = None) -> datetime:
    """The UTC instant of a wall-clock time in `tz`, or at an explicit UTC `offset`.

    A time the clocks skipped (spring forward) or showed twice (fall back) is refused
    rather than guessed: guessing would silently move a recorded instant by an hour.
    """
    if naive.year < EARLIEST_YEAR:
        raise LocalTimeError(_("Give a date after %(year)s.", year=EARLIEST_YEAR))
    try:
        return _local_to_utc(naive, tz, offset)
    except OverflowError:
        raise LocalTimeError(_("The date is out of range.")) from None


def _local_to_utc(naive: datetime, tz: ZoneInfo, offset: timedelta | None) -> datetime:
    if offset is not None:
        return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)
    earlier = naive.replace(tzinfo=tz, fold=0)
    later = naive.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(UTC)
    shown = naive.strftime("%Y-%m-%d %H:%M")
    if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise LocalTimeError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks went forward at that time. "
                "Check the time, or give the UTC offset it was recorded with.",
                time=shown,
                zone=tz.key,
            )
        )
    first, second = earlier.utcoffset(), later.utcoffset()
    assert first is not None and second is not None
    raise LocalTimeError(
        _(
            "%(time)s happened twice in %(zone)s: the clocks went back at that time. "
            "Give the UTC offset: %(first)s for the first time, %(second)s for the second.",
            time=shown,
            zone=tz.key,
            first=format_offset(first),
            second=format_offset(second),
        )
    )


def is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether a wall-clock time in `tz` needs an offset to name one instant."""
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def to_local_input(moment: datetime, tz: ZoneInfo) -> tuple[datetime, str]:
    """An instant as (naive wall time in `tz`, offset to give if that wall time is ambiguous)."""
    local = moment.astimezone(tz)
    naive = local.replace(tzinfo=None, fold=0)
    offset = local.utcoffset()
    needs_offset = is_ambiguous(naive, tz) and offset is not None
    return naive, (format_offset(offset) if needs_offset and offset is not None else "")


def expected_version(raw: str | None) -> int:
    """The hidden `version` of a form; unreadable values never match (→ conflict, never a silent save)."""
    text = (raw or "").strip()
    return int(text) if _VERSION.fullmatch(text) else -1


# -- children ------------------------------------------------------------------------------------------------

SEX_CHOICES = [
    SelectChoice(value="", label=_l("Choose…")),
    SelectChoice(value="F", label=_l("Female")),
    SelectChoice(value="M", label=_l("Male")),
    SelectChoice(value="X", label=_l("Other or not stated")),
]


class ChildForm(FlaskForm):
    given_name = StringField(_l("Given name(s)"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Give the date of birth, or an estimate and tick “estimated”."))],
        invalid_value_message=_l("Give a date as YYYY-MM-DD."),
    )
    date_of_birth_estimated = BooleanField(_l("The date of birth is estimated"))
    sex = SelectField(_l("Sex"), choices=SEX_CHOICES, default="", validators=[DataRequired(_l("Choose one."))])
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=300)], filters=[_strip])
    guardian_name = StringField(
        _l("Parent or guardian: name"), validators=[Optional(), Length(max=200)], filters=[_strip]
    )
    guardian_relationship = StringField(
        _l("Relationship to the child"), validators=[Optional(), Length(max=100)], filters=[_strip]
    )
    guardian_contact = StringField(
        _l("Parent or guardian: contact"), validators=[Optional(), Length(max=300)], filters=[_strip]
    )

    def validate_languages(self, field: Field) -> None:
        items = split_list(field.data)
        if len(items) > MAX_LANGUAGES:
            raise ValidationError(_("Give at most %(n)s languages.", n=MAX_LANGUAGES))
        if any(len(item) > 60 for item in items):
            raise ValidationError(_("A language name has at most 60 characters."))

    def validate_date_of_birth(self, field: Field) -> None:
        if field.data is not None and field.data.year < EARLIEST_YEAR:
            raise ValidationError(_("Give a date after %(year)s.", year=EARLIEST_YEAR))

    def child_data(self) -> dict[str, Any]:
        return {
            "given_name": self.given_name.data,
            "family_name": self.family_name.data,
            "date_of_birth": self.date_of_birth.data,
            "date_of_birth_estimated": bool(self.date_of_birth_estimated.data),
            "sex": self.sex.data,
            "languages": split_list(self.languages.data),
            "guardian_name": self.guardian_name.data or None,
            "guardian_relationship": self.guardian_relationship.data or None,
            "guardian_contact": self.guardian_contact.data or None,
        }


class ChildEditForm(ChildForm):
    version = HiddenField()


def split_list(text: str | None) -> list[str]:
    """Comma-separated text → items, blanks and repeats dropped, order kept."""
    seen: list[str] = []
    for item in (text or "").split(","):
        cleaned = item.strip()
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


class FindChildForm(FlaskForm):
    name = StringField(
        _l("Child's name"),
        validators=[DataRequired(), Length(min=2, max=200)],
        filters=[_strip],
    )


# -- cases ---------------------------------------------------------------------------------------------------


class OffenceForm(Form):
    description = StringField(_l("Description"), validators=[Length(max=500)], filters=[_strip])
    offence_class = SelectField(
        _l("Offence class"), choices=choices(OFFENCE_CLASSES, blank=_l("Not stated")), default=""
    )
    max_penalty_years = FloatField(
        _l("Maximum penalty (years)"),
        validators=[Optional(), NumberRange(min=0, max=150)],
        invalid_value_message=_l("Give a number of years, for example 4 or 0.5."),
    )

    def validate_max_penalty_years(self, field: Field) -> None:
        if field.data is not None and not math.isfinite(field.data):
            raise ValidationError(_("Give a number of years, for example 4 or 0.5."))

    def validate_description(self, field: Field) -> None:
        if not field.data and (self.offence_class.data or self.max_penalty_years.raw_data not in (None, [], [""])):
            raise ValidationError(_("Describe the offence, or clear this row."))


class CaseForm(FlaskForm):
    reference = StringField(_l("Case reference"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    court = SelectField(_l("Court"), coerce=int)
    police_reference = StringField(_l("Police reference"), validators=[Optional(), Length(max=100)], filters=[_strip])
    prosecution_reference = StringField(
        _l("Prosecution reference"), validators=[Optional(), Length(max=100)], filters=[_strip]
    )
    court_reference = StringField(_l("Court file number"), validators=[Optional(), Length(max=100)], filters=[_strip])
    offences = FieldList(
        FormField(OffenceForm), label=_l("Offence"), min_entries=OFFENCE_ROWS, max_entries=MAX_OFFENCE_ROWS
    )
    lawyer_ids = MultiCheckboxField(_l("Assigned lawyers"), coerce=int)

    def validate_offences(self, field: Field) -> None:
        if not any(entry.form.description.data for entry in field.entries):
            raise ValidationError(_("Give at least one offence (the description may say it is not yet known)."))

    def case_data(self) -> dict[str, Any]:
        return {
            "reference": self.reference.data,
            "police_reference": self.police_reference.data or None,
            "prosecution_reference": self.prosecution_reference.data or None,
            "court_reference": self.court_reference.data or None,
            "offences": [
                {
                    "description": entry.form.description.data,
                    "offence_class": entry.form.offence_class.data or None,
                    "max_penalty_years": entry.form.max_penalty_years.data,
                }
                for entry in self.offences.entries
                if entry.form.description.data
            ],
            "lawyer_ids": list(self.lawyer_ids.data or []),
        }


class VersionForm(FlaskForm):
    """A POST that changes a case: CSRF token and the version the user saw."""

    version = HiddenField()


class AddLawyerForm(VersionForm):
    lawyer_id = SelectField(_l("Lawyer"), coerce=int)


# -- events --------------------------------------------------------------------------------------------------


class EventForm(FlaskForm):
    """The common part of every event form; `event_form_class` adds the type's details."""

    event_type: EventType
    tz: ZoneInfo

    at = DateTimeLocalField(
        _l("Date and time"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(_l("Give the date and time of the event."))],
        invalid_value_message=_l("Give a date and time, for example 2026-03-01T14:30."),
    )
    utc_offset = StringField(_l("UTC offset (optional)"), validators=[Optional(), Length(max=12)], filters=[_strip])
    version = HiddenField()
    details: FormField

    at_utc: datetime | None = None

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        ok = super().validate(extra_validators)
        return self._convert_instants() and ok

    def _convert_instants(self) -> bool:
        ok = True
        try:
            offset = parse_offset(self.utc_offset.data)
        except ValueError as exc:
            self.utc_offset.errors.append(str(exc))
            return False
        if self.at.data is not None and not self.at.errors:
            try:
                self.at_utc = local_to_utc(self.at.data, self.tz, offset)
            except LocalTimeError as exc:
                self.at.errors.append(str(exc))
                ok = False
        for spec in self.instant_specs():
            offset_field = self.details.form[spec.name + OFFSET_SUFFIX]
            try:
                parse_offset(offset_field.data)
            except ValueError as exc:
                offset_field.errors = [*offset_field.errors, str(exc)]
                ok = False
        return ok

    def instant_specs(self) -> list[FieldSpec]:
        return [spec for spec in self.event_type.fields if spec.kind == FieldKind.INSTANT]

    def details_data(self) -> dict[str, Any]:
        """The details as posted, blanks left out, for `clean_details` to check."""
        out: dict[str, Any] = {}
        sub = self.details.form
        for spec in self.event_type.fields:
            value = sub[spec.name].data
            if spec.kind == FieldKind.TEXT_LIST and spec.choices:
                value = list(value or [])
            elif spec.kind == FieldKind.INSTANT and isinstance(value, str) and value.strip():
                try:
                    offset = parse_offset(sub[spec.name + OFFSET_SUFFIX].data)
                except ValueError:
                    offset = None
                if offset is not None:
                    value = value.strip() + format_offset(offset)
            if value is None or value == [] or (isinstance(value, str) and not value.strip()):
                continue
            out[spec.name] = value
        return out

    def expected_version(self) -> int:
        return expected_version(self.version.data)

    def detail_fields(self) -> Iterator[tuple[FieldSpec, Field, Field | None]]:
        """(spec, field, offset field for instants) in vocabulary order, for the template."""
        sub = self.details.form
        for spec in self.event_type.fields:
            offset = sub[spec.name + OFFSET_SUFFIX] if spec.kind == FieldKind.INSTANT else None
            yield spec, sub[spec.name], offset


CORRECTION_MODES = [
    SelectChoice(value="replace", label=_l("Replace it with the corrected values below")),
    SelectChoice(value="void", label=_l("Void it: it was recorded in error and did not happen")),
]


class CorrectionForm(EventForm):
    mode = RadioField(_l("What should the correction do?"), choices=CORRECTION_MODES, default="replace")
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(_l("Say why the event is corrected.")), Length(max=2000)],
        filters=[_strip],
    )

    @property
    def voids(self) -> bool:
        return self.mode.data == "void"

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        if not self.voids:
            return super().validate(extra_validators)
        # Voiding keeps the original's values: what is typed in the value fields is ignored.
        fields = [self.mode, self.reason, self.version]
        token = getattr(self, "csrf_token", None)
        if token is not None:
            fields.insert(0, token)
        results = [f.validate(self) for f in fields]
        return all(results)


def _detail_field(spec: FieldSpec) -> Field:
    label = _l(spec.label)
    if spec.kind == FieldKind.CHOICE:
        return SelectField(label, choices=choices(spec.choices, blank=_l("Choose…")), default="", validate_choice=False)
    if spec.kind == FieldKind.BOOLEAN:
        options = [SelectChoice(value="true", label=_l("Yes")), SelectChoice(value="false", label=_l("No"))]
        if not spec.required:
            options.append(SelectChoice(value="", label=_l("Not known")))
        return RadioField(label, choices=options, default="", validate_choice=False)
    if spec.kind == FieldKind.TEXT_LIST and spec.choices:
        return MultiCheckboxField(label, choices=choices(spec.choices), default=[], validate_choice=False)
    if spec.kind == FieldKind.INTEGER:
        return StringField(label, widget=NumberInput(step=1, min=spec.minimum, max=spec.maximum), filters=[_strip])
    if spec.kind == FieldKind.INSTANT:
        return StringField(label, widget=DateTimeLocalInput(), filters=[_strip])
    if spec.max_length > 300:
        return TextAreaField(label, render_kw={"maxlength": spec.max_length})
    return StringField(label, render_kw={"maxlength": spec.max_length})


def event_form_class(event_type: EventType, tz: ZoneInfo, *, correction: bool = False) -> type[EventForm]:
    """A form class for one event type: the common fields plus a `details` sub-form from its FieldSpecs."""
    fields: dict[str, Any] = {}
    for spec in event_type.fields:
        fields[spec.name] = _detail_field(spec)
        if spec.kind == FieldKind.INSTANT:
            fields[spec.name + OFFSET_SUFFIX] = StringField(
                _l("UTC offset (optional)"), validators=[Length(max=12)], filters=[_strip]
            )
    details = type(f"{event_type.name.title()}Details", (Form,), fields)
    base = CorrectionForm if correction else EventForm
    attrs = {"event_type": event_type, "tz": tz, "details": FormField(details, label=_l("Details"))}
    return type(f"{event_type.name.title()}Form", (base,), attrs)


def details_initial(event_type: EventType, details: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Stored details → the values a form shows (to prefill a correction)."""
    out: dict[str, Any] = {}
    for spec in event_type.fields:
        value = details.get(spec.name)
        if value is None:
            continue
        if spec.kind == FieldKind.BOOLEAN and isinstance(value, bool):
            out[spec.name] = "true" if value else "false"
        elif spec.kind == FieldKind.TEXT_LIST and isinstance(value, list):
            out[spec.name] = value if spec.choices else ", ".join(str(v) for v in value)
        elif spec.kind == FieldKind.INSTANT and isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            naive, offset = to_local_input(moment, tz)
            out[spec.name] = naive.strftime(LOCAL_FORMATS[0])
            out[spec.name + OFFSET_SUFFIX] = offset
        elif isinstance(value, bool | int | float | str):
            out[spec.name] = str(value)
    return out


def event_type_choices() -> list[SelectChoice]:
    return [SelectChoice(value=name, label=_l(kind.label)) for name, kind in EVENT_TYPES.items()]
