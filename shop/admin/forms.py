"""The back office's forms: one per decision, so each carries only what it needs."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

REASON_HELP = "The professional reads this in the e-mail and on their licence page."


class LicenceApproveForm(FlaskForm):
    submit = SubmitField("Approve")


class LicenceRejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the rejection",
        validators=[DataRequired("Give the reason for the rejection."), Length(max=2000)],
        description=REASON_HELP,
        render_kw={"rows": 3},
    )
    submit = SubmitField("Reject")


class LicenceRevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the revocation",
        validators=[DataRequired("Give the reason for the revocation."), Length(max=2000)],
        description=REASON_HELP,
        render_kw={"rows": 3},
    )
    submit = SubmitField("Revoke")
