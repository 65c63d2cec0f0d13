"""Account forms. Field checks call the services' own checks, so every field
shows its error at once and the rules live in one place."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from shop.accounts.errors import AccountError
from shop.accounts.services import (
    NAME_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    check_password_strength,
    clean_name,
    validate_email_address,
)

PASSWORD_HINT = (
    "At least 12 characters. A few unusual words make a strong password; "
    "avoid your name, your e-mail address and common passwords."
)
_EMAIL_MAX_LENGTH = 254


class ServiceCheck:
    """A field validator that runs one of the services' checks on the value and shows
    its AccountError under the field, a line each for zxcvbn's feedback.

    WTForms counts a field invalid when its error list is not empty, so the lines
    are added directly instead of raising one ValidationError with one message.
    """

    def __init__(self, check: Callable[[FlaskForm, str], object]) -> None:
        self.check = check

    def __call__(self, form: FlaskForm, field) -> None:
        try:
            self.check(form, field.data)
        except AccountError as error:
            field.errors.extend(error.messages)


def name_field() -> StringField:
    return StringField(
        "Your name",
        validators=[
            DataRequired(),
            Length(max=NAME_MAX_LENGTH),
            ServiceCheck(lambda form, value: clean_name(value)),
        ],
        render_kw={"autocomplete": "name"},
    )


def email_field(*checks: ServiceCheck, autocomplete: str = "email") -> EmailField:
    return EmailField(
        "E-mail",
        validators=[DataRequired(), Length(max=_EMAIL_MAX_LENGTH), *checks],
        render_kw={"autocomplete": autocomplete},
    )


def new_password_field(label: str, *checks: ServiceCheck) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH), *checks],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def repeated_password_field(label: str, mismatch: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), EqualTo("new_password", mismatch)],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = email_field(autocomplete="username")
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Remember me on this device")
    submit = SubmitField("Log in")


def code_field(label: str = "Code") -> StringField:
    return StringField(
        label,
        validators=[DataRequired(message="Enter the code."), Length(max=32)],
        description="The six digits your authenticator app shows now, or one of your "
        "recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class LoginCodeForm(FlaskForm):
    code = code_field()
    submit = SubmitField("Log in")


class ReauthenticateForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    code = code_field()
    submit = SubmitField("Confirm")


class SecondFactorConfirmForm(FlaskForm):
    code = StringField(
        "Code from the app",
        validators=[DataRequired(message="Enter the code."), Length(max=32)],
        description="Six digits; a new one every 30 seconds.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Turn on the second factor")


class AccountRegisterForm(FlaskForm):
    name = name_field()
    email = email_field(ServiceCheck(lambda form, value: validate_email_address(value)))
    password = new_password_field(
        "Password",
        ServiceCheck(
            lambda form, value: check_password_strength(
                value, name=form.name.data or "", email=form.email.data or ""
            )
        ),
    )
    submit = SubmitField("Create my account")


class ProfileEditForm(FlaskForm):
    name = name_field()
    clinic_name = StringField(
        "Clinic",
        validators=[Optional(), Length(max=160)],
        description="Printed at the top of your patient leaflets.",
        render_kw={"autocomplete": "organization"},
    )
    clinic_phone = StringField(
        "Clinic phone",
        validators=[Optional(), Length(max=40)],
        description="The number patients call, on the leaflets.",
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    clinic_address = TextAreaField(
        "Clinic address",
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 3, "autocomplete": "street-address"},
    )
    submit = SubmitField("Save")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field("New password")
    new_password_again = repeated_password_field(
        "New password, again", "The two new passwords differ."
    )
    submit = SubmitField("Change my password")


class PasswordResetRequestForm(FlaskForm):
    email = email_field(ServiceCheck(lambda form, value: validate_email_address(value)))
    submit = SubmitField("Send me a link")


class PasswordResetForm(FlaskForm):
    new_password = new_password_field("New password")
    new_password_again = repeated_password_field("New password, again", "The two passwords differ.")
    submit = SubmitField("Save my new password")
