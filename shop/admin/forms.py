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


# Users: each form has its own prefix, since one page may show several of them.

AUDIT_HELP = "Kept in the audit trail with your name and the time."


def _account_reason(required: bool) -> TextAreaField:
    validators = [Length(max=2000)]
    if required:
        validators.insert(0, DataRequired("Give the reason: the audit trail keeps it."))
    return TextAreaField(
        "Reason" if required else "Reason (optional)",
        validators=validators,
        description=AUDIT_HELP,
        render_kw={"rows": 2},
    )


class _UserDecisionForm(FlaskForm):
    """One of several forms on a user's page: its fields' names and ids carry its prefix."""

    form_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=self.form_prefix, **kwargs)


class UserDeactivateForm(_UserDecisionForm):
    form_prefix = "deactivate"
    reason = _account_reason(required=True)
    submit = SubmitField("Deactivate the account")


class UserReactivateForm(_UserDecisionForm):
    form_prefix = "reactivate"
    reason = _account_reason(required=False)
    submit = SubmitField("Reactivate the account")


class UserPromoteForm(_UserDecisionForm):
    form_prefix = "promote"
    reason = _account_reason(required=False)
    submit = SubmitField("Make an administrator")


class UserDemoteForm(_UserDecisionForm):
    form_prefix = "demote"
    reason = _account_reason(required=True)
    submit = SubmitField("Make a customer")


class UserSecondFactorResetForm(_UserDecisionForm):
    form_prefix = "second_factor"
    reason = _account_reason(required=True)
    submit = SubmitField("Reset the second factor")
