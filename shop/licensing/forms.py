"""The professional's licence submission form.

The form checks shapes (present, not too long); the rules (a future expiry, the
NPI, one pending submission, the document's content) live in the services and
come back as ``LicenceError`` with the field they belong to.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from shop.catalog.enums import Profession
from shop.licensing.countries import country_names
from shop.licensing.documents import format_size


class LicenceSubmitForm(FlaskForm):
    profession = SelectField(
        "Profession",
        choices=[
            SelectChoice(value, label)
            for value, label in [("", "Choose your profession"), *Profession.choices()]
        ],
        validators=[DataRequired("Choose your profession.")],
    )
    licence_number = StringField(
        "Licence number",
        validators=[DataRequired("Enter the licence number."), Length(max=64)],
        description="As printed on the licence or registration certificate.",
    )
    country = SelectField(
        "Issuing country",
        validators=[DataRequired("Choose the country that issued the licence.")],
    )
    region = StringField(
        "Region",
        validators=[Optional(), Length(max=120)],
        description="The state, province or county that issued it, where that applies.",
    )
    expires_on = DateField(
        "Expiry date",
        validators=[DataRequired("Enter the expiry date (for example 2027-03-31).")],
    )
    npi = StringField(
        "NPI (United States only)",
        validators=[Optional(), Length(max=10, message="An NPI has exactly 10 digits.")],
        description="Your 10-digit National Provider Identifier, for a licence issued in the US.",
    )
    document = FileField(
        "Scan of the licence",
        validators=[FileRequired("Choose the scan of your licence.")],
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )
    submit = SubmitField("Submit for review")

    def __init__(self, *args, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice(code, name)
            for code, name in [("", "Choose a country"), *country_names().items()]
        ]
        self.document.description = (
            f"A PDF, JPEG or PNG of at most {format_size(max_bytes)}: "
            "a clear scan or photo of the whole licence."
        )
