from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.checkout.placing import ShippingAddress
from shop.checkout.services import MAX_LINE_QUANTITY
from shop.licensing.countries import country_names

# Digits with the separators people write: +353 1 234 5678, (01) 234-5678.
PHONE = r"^\+?[\d\s().-]{6,32}$"
QUANTITY_MESSAGE = f"The quantity must be a whole number from 1 to {MAX_LINE_QUANTITY}."


def _quantity() -> IntegerField:
    return IntegerField(
        "Quantity",
        validators=[
            InputRequired(QUANTITY_MESSAGE),
            NumberRange(min=1, max=MAX_LINE_QUANTITY, message=QUANTITY_MESSAGE),
        ],
    )


class CartAddForm(FlaskForm):
    product_id = IntegerField(
        "Product", validators=[DataRequired("Choose a product to add to your cart.")]
    )
    quantity = _quantity()
    next = HiddenField()  # the page to come back to


class CartLineUpdateForm(FlaskForm):
    quantity = _quantity()


class CheckoutForm(FlaskForm):
    """Where the order goes. Shapes only: the gate and the stock are the services' to check."""

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
        "Region (optional)",
        validators=[Optional(), Length(max=80)],
        description="State, province or county, where the address needs one.",
        render_kw={"autocomplete": "address-level1"},
    )
    postal_code = StringField(
        "Postal code",
        validators=[DataRequired("Enter the postal code."), Length(max=16)],
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
    submit = SubmitField("Place order and pay")

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
            postal_code=self.postal_code.data.strip(),
            country=self.country.data,
            phone=self.phone.data.strip(),
        )
