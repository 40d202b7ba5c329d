"""Administration forms."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from justice_tracker.auth.models import Role
from justice_tracker.org.models import FACILITY_KINDS


def _valid_zone(_form: FlaskForm, field: StringField) -> None:
    if field.data and field.data not in available_timezones():
        raise ValidationError(_l("Unknown time zone; use an IANA name such as Europe/London."))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, r.value) for r in Role])
    court_id = SelectField(_l("Court (clerks)"), coerce=int, validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=1024)])


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, r.value) for r in Role])
    court_id = SelectField(_l("Court (clerks)"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"))


class CourtForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    jurisdiction_code = SelectField(_l("Jurisdiction"))
    time_zone = StringField(_l("Time zone (blank: the jurisdiction's)"), validators=[Optional(), _valid_zone])
    area = StringField(
        _l("Area served (district or city; programme suggestions compare it)"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda value: value.strip() or None if isinstance(value, str) else value],
    )
    active = BooleanField(_l("Active"), default=True)


class FacilityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    jurisdiction_code = SelectField(_l("Jurisdiction"))
    kind = SelectField(_l("Kind"), choices=[(k, k.replace("_", " ")) for k in FACILITY_KINDS])
    separated_from_adults = BooleanField(_l("Children separated from adults"), default=True)
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0, max=100000)])
    complaints_mechanism = SelectField(
        _l("Complaints mechanism for children held there"),
        choices=[("", _l("not recorded")), ("yes", _l("yes")), ("no", _l("no"))],
        coerce=lambda value: {"yes": True, "no": False, True: True, False: False}.get(value),
        validate_choice=False,
    )
    area = StringField(
        _l("Area (district or city)"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda value: value.strip() or None if isinstance(value, str) else value],
    )
    active = BooleanField(_l("Active"), default=True)


class JurisdictionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16), Regexp(r"^[A-Z]{2,4}(-[A-Z]{2,4})?$")])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), _valid_zone])
    active = BooleanField(_l("Active"), default=True)


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=100)])


class ClosureForm(FlaskForm):
    """A day the courts of a jurisdiction do not sit (beyond its public holidays)."""

    jurisdiction_code = SelectField(_l("Jurisdiction"))
    day = DateField(_l("Day"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])

    def validate_day(self, field: DateField) -> None:
        if field.data is not None and not 1900 <= field.data.year <= 2200:
            raise ValidationError(_l("Give a day between the years 1900 and 2200."))
