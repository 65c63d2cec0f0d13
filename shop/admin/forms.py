"""The back office's forms: one per decision, so each carries only what it needs."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

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
