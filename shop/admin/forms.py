"""The back office's forms: one per decision, so each carries only what it needs."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DecimalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

REASON_HELP = "The professional reads this in the e-mail and on their licence page."


class LicenceApproveForm(FlaskForm):
    submit = SubmitField("Approve")


def _reason_field(what: str) -> TextAreaField:
    return TextAreaField(
        f"Reason for the {what}",
        validators=[DataRequired(f"Give the reason for the {what}."), Length(max=2000)],
        description=REASON_HELP,
        render_kw={"rows": 3},
    )


class LicenceRejectForm(FlaskForm):
    reason = _reason_field("rejection")
    submit = SubmitField("Reject")


class LicenceRevokeForm(FlaskForm):
    reason = _reason_field("revocation")
    submit = SubmitField("Revoke")


# Orders: each action's form has its own prefix, so several on one page keep unique ids.
class OrderShipForm(FlaskForm):
    carrier = StringField(
        "Carrier",
        validators=[DataRequired("Name the carrier."), Length(max=60)],
        render_kw={"autocomplete": "off"},
    )
    tracking_number = StringField(
        "Tracking number",
        validators=[
            DataRequired("Give the tracking number."),
            Length(max=80),
            Regexp(
                r"^[A-Za-z0-9 ./-]+$",
                message="Letters, digits, spaces, dots, slashes and dashes only.",
            ),
        ],
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Mark shipped")


class OrderCancelForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the cancellation",
        validators=[DataRequired("Give the reason for the cancellation."), Length(max=2000)],
        description="The professional reads this on the order's page. A paid order is refunded in full.",
        render_kw={"rows": 2},
    )
    submit = SubmitField("Cancel the order")


class OrderRefundForm(FlaskForm):
    amount = DecimalField(
        "Amount to refund",
        places=2,
        validators=[Optional(), NumberRange(min=Decimal("0.01"), message="Refund at least 0.01.")],
        description="Leave empty to refund everything that is left.",
        render_kw={"inputmode": "decimal"},
    )
    reason = TextAreaField(
        "Reason for the refund",
        validators=[DataRequired("Give the reason for the refund."), Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Refund")


class OrderResolveForm(FlaskForm):
    note = TextAreaField(
        "How it was resolved",
        validators=[DataRequired("Say how the flag was resolved."), Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Mark resolved")
