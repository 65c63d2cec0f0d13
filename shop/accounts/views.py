"""Registration, log in and out, the account page, and the links sent by mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import services
from shop.accounts.blueprint import bp
from shop.accounts.errors import AccountError, LinkError
from shop.accounts.forms import (
    AccountRegisterForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileEditForm,
)
from shop.accounts.models import User
from shop.accounts.tokens import RESET_PASSWORD
from shop.database import utcnow
from shop.extensions import db, limiter, login_manager


def _rate_limit(setting: str):
    """Limit a view's POSTs per client address, at the rate the config names. Place it
    above ``login_required``: Flask-Limiter checks when its own wrapper runs."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The user of a session (or remember cookie) token, which changes with the password;
    disabling an account ends its open sessions too, not only its next log-in."""
    user = services.find_user_by_session_token(session_token)
    return user if user is not None and user.is_enabled else None


def _start_session(user: User, *, remember: bool) -> None:
    """Log in on a fresh session: nothing put in the old one (by anyone) is carried over."""
    session.clear()
    login_user(user, remember=remember)
    services.record_login(user, now=utcnow())


def _end_session() -> None:
    session.clear()
    logout_user()  # after clear(): it marks the remember cookie for deletion in the session


def _safe_next_url() -> str | None:
    """The page to return to after logging in, if it is one of ours."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if not target or "\\" in target or parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _show_error(form, error: AccountError) -> None:
    form[error.field or "email"].errors.extend(error.messages)


@bp.route("/login", methods=["GET", "POST"])
@_rate_limit("LOGIN_RATE_LIMIT")
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next_url() or url_for("accounts.account"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except AccountError as error:
            _show_error(form, error)
        else:
            _start_session(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next_url() or url_for("accounts.account"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    _end_session()
    flash("You are logged out.", "info")
    return redirect(url_for("storefront.home"))


@bp.route("/register", methods=["GET", "POST"])
@_rate_limit("REGISTRATION_RATE_LIMIT")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = AccountRegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                name=form.name.data, email=form.email.data, password=form.password.data
            )
        except AccountError as error:
            _show_error(form, error)
        else:
            _start_session(user, remember=False)
            db.session.commit()
            flash(
                f"Welcome, {user.name}. We sent a link to {user.email}: open it to confirm "
                "your address.",
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/register.html", form=form)


# The account page ---------------------------------------------------------------


def _account_page(
    *,
    profile_form: ProfileEditForm | None = None,
    password_form: PasswordChangeForm | None = None,
):
    """The page with its three forms; the one just posted keeps its data and errors."""
    user = current_user._get_current_object()
    return render_template(
        "accounts/account.html",
        user=user,
        profile_form=profile_form
        or ProfileEditForm(
            formdata=None,
            prefix="profile",
            name=user.name,
            clinic_name=user.clinic_name,
            clinic_phone=user.clinic_phone,
            clinic_address=user.clinic_address,
        ),
        password_form=password_form or PasswordChangeForm(formdata=None, prefix="password"),
    )


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/profile")
@login_required
def edit_profile():
    form = ProfileEditForm(prefix="profile")
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                name=form.name.data,
                clinic_name=form.clinic_name.data or "",
                clinic_phone=form.clinic_phone.data or "",
                clinic_address=form.clinic_address.data or "",
            )
        except AccountError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(profile_form=form)


@bp.post("/account/password")
@_rate_limit("LOGIN_RATE_LIMIT")  # it checks the current password, so it could guess it
@login_required
def change_password():
    form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except AccountError as error:
            _show_error(form, error)
        else:
            # Every other session and remember cookie named the old token; this one
            # goes on under the new token, remembered again if it was.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            _start_session(user, remember=remembered in request.cookies)
            db.session.commit()
            flash("Your password is changed. Every other session is logged out.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form)


@bp.post("/account/log-out-everywhere")
@login_required
def log_out_everywhere():
    services.end_all_sessions(current_user)
    db.session.commit()
    _end_session()
    flash("You are logged out on every device, this one included.", "info")
    return redirect(url_for("accounts.login"))


# Links sent by mail -------------------------------------------------------------


def _link_problem(error: LinkError, *, kind: str):
    """A clear page for a used, expired or tampered link, with the way to a new one."""
    return render_template("accounts/link_problem.html", error=error, kind=kind), error.status


@bp.get("/confirm-email/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email(token, now=utcnow())
    except LinkError as error:
        return _link_problem(error, kind="confirm")
    db.session.commit()
    flash("Thank you: your e-mail address is confirmed.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login"))


@bp.post("/confirm-email/resend")
@_rate_limit("CONFIRMATION_RATE_LIMIT")
@login_required
def resend_confirmation():
    if current_user.email_confirmed:
        flash("Your e-mail address is already confirmed.", "info")
    else:
        services.queue_confirmation_mail(current_user)
        db.session.commit()
        flash(f"We sent a new link to {current_user.email}.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/reset-password", methods=["GET", "POST"])
@_rate_limit("PASSWORD_RESET_RATE_LIMIT")
def request_password_reset():
    form = PasswordResetRequestForm()
    sent = False
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same page and words whether or not the address has an account.
        sent = True
        form.email.data = ""
    return render_template(
        "accounts/request_password_reset.html",
        form=form,
        sent=sent,
        lifetime=RESET_PASSWORD.lifetime,
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except LinkError as error:
        return _link_problem(error, kind="reset")
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.complete_password_reset(user, form.new_password.data, now=utcnow())
        except AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            _end_session()  # whatever session this browser had named an old token
            flash("Your new password is saved. Log in with it.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)
