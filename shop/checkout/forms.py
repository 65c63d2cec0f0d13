from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from shop.checkout.services import MAX_LINE_QUANTITY

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
    """The shipping method for the chosen saved address; the services check the rest."""

    address_id = HiddenField(validators=[DataRequired("Choose an address to ship to.")])
    # The choices are the methods that serve the address; place_order checks the one sent.
    method = RadioField(
        "Shipping method",
        validators=[InputRequired("Choose a shipping method.")],
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField("Place order and pay")
