"""The stock pages' forms: receive a lot, adjust one, write one off, the low-stock
threshold, and the recall search."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from shop.inventory.adjustments import MAX_PACKS

LOT_NUMBER_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9./-]{0,39}\s*$"
LOT_NUMBER_HELP = "1 to 40 letters, digits, dots, slashes or dashes, as printed on the box."


def _lot_number_field(label: str = "Lot number") -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired("Give the lot number."),
            Regexp(
                LOT_NUMBER_PATTERN,
                message="A lot number is 1 to 40 letters, digits, dots, slashes or dashes.",
            ),
        ],
        description=LOT_NUMBER_HELP,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class LotReceiveForm(FlaskForm):
    lot_number = _lot_number_field()
    expires_on = DateField(
        "Expiry date", validators=[InputRequired("Give the expiry date printed on the lot.")]
    )
    quantity = IntegerField(
        "Packs received",
        validators=[
            InputRequired("Give the number of packs received."),
            NumberRange(1, MAX_PACKS, f"Between 1 and {MAX_PACKS:,} packs."),
        ],
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    note = StringField(
        "Note (optional)",
        validators=[Length(max=200)],
        description="A delivery note or supplier reference.",
    )
    submit = SubmitField("Receive the lot")


def _not_zero(_form, field) -> None:
    if field.data == 0:
        raise ValidationError("An adjustment adds or takes at least one pack.")


class LotAdjustForm(FlaskForm):
    lot_id = SelectField("Lot", coerce=int, validate_choice=True)
    change = IntegerField(
        "Change in packs",
        validators=[
            InputRequired("Give the change in packs: 5 adds five, -2 takes two."),
            NumberRange(-MAX_PACKS, MAX_PACKS, f"At most {MAX_PACKS:,} packs either way."),
            _not_zero,
        ],
        description="Signed: 5 adds five packs, -2 takes two.",
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired("Say why the stock changes."), Length(max=500)],
        description="Goes in the ledger: a stock count, a broken vial, a sample.",
        render_kw={"rows": 2},
    )
    submit = SubmitField("Adjust the lot")


class LotWriteOffForm(FlaskForm):
    lot_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Write off")


class LowStockThresholdForm(FlaskForm):
    threshold = IntegerField(
        "Low-stock threshold (packs)",
        validators=[
            InputRequired("Give a number of packs (0: never report)."),
            NumberRange(0, MAX_PACKS, f"From 0 to {MAX_PACKS:,} packs."),
        ],
        description="The product is listed as low on stock below this many sellable packs.",
        render_kw={"min": 0, "inputmode": "numeric"},
    )
    submit = SubmitField("Save the threshold")


class RecallSearchForm(FlaskForm):
    """A GET search: no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    lot = _lot_number_field("Lot number")
    submit = SubmitField("Find who received it")
