from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.catalog.values import MONEY
from shop.licensing.countries import country_names
from shop.shipping.addresses import ShippingAddress
from shop.shipping.enums import RateBasis

# Digits with the separators people write: +353 1 234 5678, (01) 234-5678.
PHONE = r"^\+?[\d\s().-]{6,32}$"


class AddressForm(FlaskForm):
    """A clinic address. Shapes only: what fits the country is the service's to check."""

    clinic_name = StringField(
        "Clinic name",
        validators=[DataRequired("Enter the clinic's name."), Length(max=120)],
        render_kw={"autocomplete": "organization"},
    )
    address_line1 = StringField(
        "Address line 1",
        validators=[DataRequired("Enter the street and number."), Length(max=120)],
        render_kw={"autocomplete": "address-line1"},
    )
    address_line2 = StringField(
        "Address line 2 (optional)",
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "address-line2"},
    )
    city = StringField(
        "City",
        validators=[DataRequired("Enter the city."), Length(max=80)],
        render_kw={"autocomplete": "address-level2"},
    )
    region = StringField(
        "Region",
        validators=[Optional(), Length(max=80)],
        description="State, province or county, where the country uses them (CA, Co. Dublin).",
        render_kw={"autocomplete": "address-level1"},
    )
    postal_code = StringField(
        "Postal code",
        validators=[Optional(), Length(max=16)],
        render_kw={"autocomplete": "postal-code"},
    )
    country = SelectField(
        "Country",
        validators=[DataRequired("Choose the country.")],
        render_kw={"autocomplete": "country"},
    )
    phone = StringField(
        "Phone",
        validators=[
            DataRequired("Enter a phone number for the courier."),
            Length(max=32),
            Regexp(PHONE, message="Enter a phone number: 6 to 32 digits, spaces and + - ( ) only."),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    make_default = BooleanField("Ship here unless I choose otherwise (default address)")
    submit = SubmitField("Save the address")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice(code, name)
            for code, name in [("", "Choose a country"), *country_names().items()]
        ]

    def address(self) -> ShippingAddress:
        return ShippingAddress(
            clinic_name=self.clinic_name.data.strip(),
            address_line1=self.address_line1.data.strip(),
            address_line2=(self.address_line2.data or "").strip(),
            city=self.city.data.strip(),
            region=(self.region.data or "").strip(),
            postal_code=(self.postal_code.data or "").strip(),
            country=self.country.data,
            phone=self.phone.data.strip(),
        )


class ShippingMethodForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Give the method a code."), Length(max=40)],
        description="Lower-case letters, digits and dashes, such as express.",
    )
    name = StringField("Name", validators=[DataRequired("Give the method a name."), Length(max=80)])
    carrier = StringField("Carrier", validators=[DataRequired("Name the carrier."), Length(max=60)])
    delivery_estimate = StringField(
        "Delivery estimate shown to buyers",
        validators=[DataRequired("Say how long delivery takes."), Length(max=80)],
        description="Such as 1 to 2 working days.",
    )
    position = IntegerField(
        "Position", default=0, validators=[InputRequired("Give a position (0 first).")]
    )
    cold_chain = BooleanField("Cold chain: keeps the parcel at 2 to 8 °C")
    is_active = BooleanField("Offered to buyers", default=True)
    submit = SubmitField("Save the method")


class ShippingZoneForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the zone a name."), Length(max=80)])
    areas = TextAreaField(
        "Countries and regions",
        validators=[DataRequired("Name at least one country or region.")],
        description="ISO country codes, a region after a dash, separated by commas: IE, GB, US-CA.",
    )
    submit = SubmitField("Save the zone")


class ShippingRateForm(FlaskForm):
    method_id = SelectField("Method", coerce=int, validators=[InputRequired("Choose a method.")])
    zone_id = SelectField("Zone", coerce=int, validators=[InputRequired("Choose a zone.")])
    basis = SelectField(
        "Bracket of",
        choices=[SelectChoice(basis.value, basis.label) for basis in RateBasis],
        validators=[InputRequired("Choose what the bracket measures.")],
    )
    from_amount = IntegerField(
        "From (inclusive)",
        default=0,
        validators=[InputRequired("Where does the bracket start?"), NumberRange(min=0)],
        description="Cents of order value, or grams of weight.",
    )
    up_to_amount = IntegerField(
        "Up to (exclusive, optional)",
        validators=[Optional(), NumberRange(min=1)],
        description="Empty: no upper limit.",
    )
    price = StringField(
        "Price",
        validators=[DataRequired("Enter the price, such as 15.00 (0 for free).")],
    )
    currency = StringField(
        "Currency", default="EUR", validators=[DataRequired(), Length(min=3, max=3)]
    )
    free_from = StringField(
        "Free from an order value of (optional)",
        validators=[Optional()],
        description="Such as 300.00. Empty: never free.",
    )
    submit = SubmitField("Save the rate")

    def validate_price(self, field) -> None:
        if not MONEY.match(field.data.strip()):
            raise ValidationError("Enter a price such as 15.00.")

    def validate_free_from(self, field) -> None:
        if field.data and not MONEY.match(field.data.strip()):
            raise ValidationError("Enter an amount such as 300.00, or leave it empty.")
