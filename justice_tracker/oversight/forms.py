"""Forms of the oversight reference data: child populations, policy facts, facility inspections."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from justice_tracker.oversight.indicators import INDICATORS, POLICY_ANSWERS, POLICY_INDICATORS


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class PopulationForm(FlaskForm):
    jurisdiction_code = SelectField(_l("Jurisdiction"))
    area = StringField(
        _l("Area (blank: the whole jurisdiction; otherwise a court's area, as written on the court)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1950, max=2200)])
    population = IntegerField(_l("Child population"), validators=[InputRequired(), NumberRange(min=1, max=10**10)])
    age_from = IntegerField(_l("From age"), default=0, validators=[InputRequired(), NumberRange(min=0, max=25)])
    age_to = IntegerField(_l("To age (included)"), default=17, validators=[InputRequired(), NumberRange(min=0, max=25)])
    source = StringField(_l("Source (census, statistics office...)"), validators=[Optional(), Length(max=300)])


class PolicyFactForm(FlaskForm):
    jurisdiction_code = SelectField(_l("Jurisdiction"))
    indicator = SelectField(
        _l("Indicator"),
        coerce=int,
        choices=[(n, f"{n}. {INDICATORS[n - 1].name}") for n in POLICY_INDICATORS],
    )
    answer = SelectField(_l("Answer"), choices=list(POLICY_ANSWERS.items()))
    recorded_on = DateField(_l("Recorded on"), validators=[DataRequired()])
    note = TextAreaField(_l("Note (what exists, since when, gaps)"), validators=[Optional(), Length(max=2000)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=300)])


class InspectionForm(FlaskForm):
    inspected_on = DateField(_l("Inspected on"), validators=[DataRequired()])
    inspector = StringField(_l("Inspected by"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    independent = BooleanField(_l("Independent of the facility's operator"), default=True)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
