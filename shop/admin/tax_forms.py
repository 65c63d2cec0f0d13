"""The back office's tax forms: a tax rate, a decision on a VAT number or a certificate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from shop.catalog.enums import TaxClass
from shop.licensing.countries import country_names


class TaxRateForm(FlaskForm):
    country = SelectField("Country", validators=[DataRequired("Choose a country.")])
    region = StringField(
        "Region",
        validators=[Optional(), Length(max=80)],
        description="A US state or Canadian province (its code or name) whose rate differs; "
        "empty for the whole country.",
    )
    tax_class = SelectField(
        "Tax class", choices=[SelectChoice(value, label) for value, label in TaxClass.choices()]
    )
    rate = StringField(
        "Rate (%)",
        validators=[DataRequired("Enter the rate, such as 23 or 13.5."), Length(max=12)],
    )
    valid_from = DateField(
        "Valid from", validators=[DataRequired("Enter the first day (for example 2027-01-01).")]
    )
    valid_to = DateField(
        "Valid to",
        validators=[Optional()],
        description="The last day it applies; empty: until a newer rate ends it.",
    )
    submit = SubmitField("Save the rate")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice(code, name)
            for code, name in [("", "Choose a country"), *country_names().items()]
        ]


class DecisionForm(FlaskForm):
    """Approve or verify: a reason is optional."""

    reason = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Approve")


class RefusalForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the buyer reads it)",
        validators=[DataRequired("Give the reason: the buyer will read it."), Length(max=2000)],
    )
    submit = SubmitField("Reject")
