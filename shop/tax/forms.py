"""The buyer's tax forms: a VAT number, a US resale or exemption certificate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from shop.licensing.documents import format_size
from shop.licensing.regions import region_choices
from shop.tax.certificates import CERTIFICATE_COUNTRY
from shop.tax.enums import CertificateKind


class VatNumberForm(FlaskForm):
    vat_number = StringField(
        "VAT number",
        validators=[DataRequired("Enter the VAT number."), Length(max=40)],
        description="Your practice's EU VAT number with its country prefix, such as FR40303265045.",
    )
    submit = SubmitField("Save the VAT number")


class CertificateSubmitForm(FlaskForm):
    kind = SelectField(
        "Kind", choices=[SelectChoice(value, label) for value, label in CertificateKind.choices()]
    )
    region = SelectField("State", validators=[DataRequired("Choose the state it was issued for.")])
    number = StringField(
        "Certificate number",
        validators=[DataRequired("Enter the certificate's number."), Length(max=64)],
    )
    expires_on = DateField(
        "Expiry date",
        validators=[DataRequired("Enter the expiry date (for example 2027-03-31).")],
    )
    document = FileField(
        "The certificate",
        validators=[FileRequired("Choose the scan of the certificate.")],
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )
    submit = SubmitField("Submit for review")

    def __init__(self, *args, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [
            SelectChoice(code, name)
            for code, name in [("", "Choose a state"), *region_choices(CERTIFICATE_COUNTRY)]
        ]
        self.document.description = f"A PDF, JPEG or PNG of at most {format_size(max_bytes)}."
