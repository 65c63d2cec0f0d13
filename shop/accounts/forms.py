"""Account forms. Field checks call the services' own checks, so every field
shows its error at once and the rules live in one place."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

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


def _show_under(field, error: AccountError) -> None:
    """Show an AccountError under its field, a line each for zxcvbn's feedback.

    WTForms counts a field invalid when its error list is not empty, so the lines
    are added directly instead of raising one ValidationError with one message.
    """
    field.errors.extend(error.messages)


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[DataRequired(), Length(max=_EMAIL_MAX_LENGTH)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Remember me on this device")
    submit = SubmitField("Log in")


class AccountRegisterForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "E-mail",
        validators=[DataRequired(), Length(max=_EMAIL_MAX_LENGTH)],
        render_kw={"autocomplete": "email"},
    )
    password = new_password_field("Password")
    submit = SubmitField("Create my account")

    def validate_name(self, field):
        try:
            clean_name(field.data)
        except AccountError as error:
            _show_under(field, error)

    def validate_email(self, field):
        try:
            validate_email_address(field.data)
        except AccountError as error:
            _show_under(field, error)

    def validate_password(self, field):
        try:
            check_password_strength(
                field.data, name=self.name.data or "", email=self.email.data or ""
            )
        except AccountError as error:
            _show_under(field, error)


class ProfileEditForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)],
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField("Save")

    def validate_name(self, field):
        try:
            clean_name(field.data)
        except AccountError as error:
            _show_under(field, error)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field("New password")
    new_password_again = PasswordField(
        "New password, again",
        validators=[DataRequired(), EqualTo("new_password", "The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change my password")


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[DataRequired(), Length(max=_EMAIL_MAX_LENGTH)],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField("Send me a link")


class PasswordResetForm(FlaskForm):
    new_password = new_password_field("New password")
    new_password_again = PasswordField(
        "New password, again",
        validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Save my new password")
