"""Registration, log in (with its second step) and out, sessions, the account page,
and the links sent by mail."""

from __future__ import annotations

from flask import (
    Response,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import second_factor, services, sessions, throttle
from shop.accounts.blueprint import bp
from shop.accounts.errors import AccountError, LinkError
from shop.accounts.forms import (
    AccountRegisterForm,
    LoginCodeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileEditForm,
    ReauthenticateForm,
)
from shop.accounts.models import User
from shop.accounts.sessions import current_session
from shop.accounts.tokens import RESET_PASSWORD
from shop.database import utcnow
from shop.extensions import db, limiter, login_manager
from shop.safe_redirect import safe_return_url

# The Flask session's keys: the session record's key (Flask-Login's), a password that
# waits for its second step, and a note that the last session ran out.
SESSION_KEY = "_user_id"
PENDING_LOGIN = "_pending_login"
EXPIRED = "_session_expired"
STATIC_ENDPOINTS = frozenset(["static", "bootstrap.static"])
# How long the second step of a log-in may wait for its code.
PENDING_LOGIN_SECONDS = 300


def rate_limit(setting: str):
    """Limit a view's POSTs per client address, at the rate the config names. Place it
    above ``login_required``: Flask-Limiter checks when its own wrapper runs."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


def _client() -> sessions.Client:
    return sessions.Client(request.remote_addr or "", request.user_agent.string or "")


# Who is logged in --------------------------------------------------------------------


@login_manager.user_loader
def load_user(key: str) -> User | None:
    """The user of the live session record the cookie names. A record that ran out is
    ended (or keeps only its remember key) and the visitor is anonymous again."""
    resumed = sessions.resume_session(key, now=utcnow())
    # A touched or ended record is saved at once. This runs before any view
    # (``_resume_session``), so it commits nothing of a view's.
    if db.session.dirty or db.session.deleted:
        db.session.commit()
    if resumed.record is None:
        session.pop(SESSION_KEY, None)
        if resumed.expired:
            session[EXPIRED] = True
        return None
    return resumed.record.user


@login_manager.request_loader
def load_remembered_user(_request) -> User | None:
    """A remembered device starts a new session (not fresh) when it has none: both of its
    keys are replaced, so a copied remember cookie works once at most."""
    cookie_name = current_app.config["REMEMBER_DEVICE_COOKIE_NAME"]
    remember_key = request.cookies.get(cookie_name)
    if not remember_key:
        return None
    started = sessions.resume_remembered(remember_key, client=_client(), now=utcnow())
    db.session.commit()
    if started is None:
        after_this_request(_forget_device)
        return None
    session[SESSION_KEY] = started.key
    session["_fresh"] = False
    session.pop(EXPIRED, None)
    after_this_request(lambda response: _remember_device(response, started.remember_key))
    return started.record.user


@bp.before_app_request
def _resume_session() -> None:
    """Know who is logged in before any view runs, so that a session's last-seen time,
    an ended session and a remembered device's new keys are committed on their own."""
    if request.endpoint in STATIC_ENDPOINTS:
        return  # a stylesheet or script is the same for everyone: no look-up
    if session.get(SESSION_KEY) or current_app.config["REMEMBER_DEVICE_COOKIE_NAME"] in (
        request.cookies
    ):
        current_user._get_current_object()


def _remember_device(response: Response, remember_key: str | None) -> Response:
    config = current_app.config
    if remember_key:
        response.set_cookie(
            config["REMEMBER_DEVICE_COOKIE_NAME"],
            remember_key,
            max_age=config["REMEMBER_COOKIE_DURATION"],
            secure=config.get("REMEMBER_COOKIE_SECURE", False),
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    return response


def _forget_device(response: Response) -> Response:
    config = current_app.config
    if config["REMEMBER_DEVICE_COOKIE_NAME"] in request.cookies:
        response.delete_cookie(
            config["REMEMBER_DEVICE_COOKIE_NAME"],
            secure=config.get("REMEMBER_COOKIE_SECURE", False),
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    return response


def return_address() -> str | None:
    """Where a visitor sent to log in was going: this page for a GET, else the page the
    form was on (when it is ours)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    return safe_return_url(request.referrer, None)


@login_manager.unauthorized_handler
def _log_in_first():
    if session.pop(EXPIRED, False):
        flash("Your session has ended. Log in again to go on.", "info")
    else:
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("accounts.login", next=return_address()))


def _start_session(user: User, *, remember: bool) -> None:
    """Log in on a fresh session: nothing put in the old one (by anyone) is carried over."""
    started = sessions.start_session(user, client=_client(), remember=remember, now=utcnow())
    session.clear()
    login_user(user)
    # Flask-Login wrote the user's id; the cookie names the session record instead.
    session[SESSION_KEY] = started.key
    if started.remember_key:
        after_this_request(lambda response: _remember_device(response, started.remember_key))
    else:
        after_this_request(_forget_device)


def _end_session() -> None:
    record = current_session()
    if record is not None:
        sessions.end_session(record)
    session.clear()
    logout_user()
    after_this_request(_forget_device)


def _next_url() -> str:
    return safe_return_url(request.args.get("next"), url_for("accounts.account"))


def show_error(form, error: AccountError) -> None:
    form[error.field or "email"].errors.extend(error.messages)


# Log in and out ----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("LOGIN_RATE_LIMIT")
def login():
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            throttle.check_login_allowed(form.email.data, now=now)
            user = services.authenticate(form.email.data, form.password.data)
        except AccountError as error:
            if error.code == AccountError.BAD_CREDENTIALS:
                throttle.record_failed_login(form.email.data, now=now)
                db.session.commit()
            show_error(form, error)
        else:
            if user.has_second_factor:
                # The password is right; the session starts after the second step.
                session[PENDING_LOGIN] = {
                    "user": user.id,
                    "remember": bool(form.remember.data),
                    "at": now.timestamp(),
                }
                return redirect(
                    url_for(
                        "accounts.login_code", next=safe_return_url(request.args.get("next"), None)
                    )
                )
            throttle.clear_failed_logins(user.email)
            _start_session(user, remember=form.remember.data)
            db.session.commit()
            return redirect(next_url)
    return render_template("accounts/login.html", form=form)


def _pending_user() -> tuple[User | None, bool]:
    """The user whose password was given for the second step, while it waits; and
    whether to remember the device."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict):
        return None, False
    if utcnow().timestamp() - float(pending.get("at", 0)) > PENDING_LOGIN_SECONDS:
        session.pop(PENDING_LOGIN, None)
        return None, False
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.is_enabled or not user.has_second_factor:
        return None, False
    return user, bool(pending.get("remember"))


@bp.route("/login/code", methods=["GET", "POST"])
@rate_limit("LOGIN_RATE_LIMIT")
def login_code():
    user, remember = _pending_user()
    if user is None:
        flash("Log in with your password first; the code comes after it.", "info")
        return redirect(
            url_for("accounts.login", next=safe_return_url(request.args.get("next"), None))
        )
    form = LoginCodeForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            throttle.check_login_allowed(user.email, now=now)
            used = second_factor.verify_code(user, form.code.data, now=now)
        except AccountError as error:
            db.session.rollback()
            if error.code == AccountError.BAD_CODE:
                throttle.record_failed_login(user.email, now=now)
                db.session.commit()
            show_error(form, error)
        else:
            throttle.clear_failed_logins(user.email)
            _start_session(user, remember=remember)
            db.session.commit()
            if used == "recovery":
                flash(
                    "You logged in with a recovery code: it cannot be used again. "
                    "Make new codes on your account page if few are left.",
                    "warning",
                )
            return redirect(_next_url())
    return render_template("accounts/login_code.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    _end_session()
    db.session.commit()
    flash("You are logged out.", "info")
    return redirect(url_for("storefront.home"))


@bp.route("/account/confirm", methods=["GET", "POST"])
@rate_limit("LOGIN_RATE_LIMIT")
@login_required
def reauthenticate():
    """The fresh log-in that sensitive actions ask for (shop.accounts.fresh)."""
    user = current_user._get_current_object()
    form = ReauthenticateForm()
    if not user.has_second_factor:
        del form.code
    if form.validate_on_submit():
        now = utcnow()
        try:
            throttle.check_login_allowed(user.email, now=now)
            if not services.password_matches(user, form.password.data):
                raise AccountError(
                    AccountError.WRONG_PASSWORD, "This is not your password.", field="password"
                )
            if user.has_second_factor:
                second_factor.verify_code(user, form.code.data, now=now)
        except AccountError as error:
            db.session.rollback()
            if error.code in (AccountError.WRONG_PASSWORD, AccountError.BAD_CODE):
                throttle.record_failed_login(user.email, now=now)
                db.session.commit()
            show_error(form, error)
        else:
            record = current_session()
            sessions.confirm_session(record, now=now)
            throttle.clear_failed_logins(user.email)
            db.session.commit()
            return redirect(_next_url())
    return render_template("accounts/reauthenticate.html", form=form, user=user)


@bp.route("/register", methods=["GET", "POST"])
@rate_limit("REGISTRATION_RATE_LIMIT")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = AccountRegisterForm()
    if form.validate_on_submit():
        try:
            services.register_user(
                name=form.name.data, email=form.email.data, password=form.password.data
            )
        except AccountError as error:
            show_error(form, error)
        else:
            db.session.commit()
            # The same page whether the address was new or had an account already.
            return render_template("accounts/register_sent.html", email=form.email.data.strip())
    return render_template("accounts/register.html", form=form)


# The account page ---------------------------------------------------------------


def _account_page(
    *,
    profile_form: ProfileEditForm | None = None,
    password_form: PasswordChangeForm | None = None,
):
    """The page with its forms; the one just posted keeps its data and errors."""
    user = current_user._get_current_object()
    now = utcnow()
    this_session = current_session()
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
        sessions=sessions.list_sessions(user, now=now),
        this_session=this_session,
        describe_device=sessions.describe_device,
        recovery_codes_left=second_factor.count_recovery_codes(user)
        if user.has_second_factor
        else 0,
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
            show_error(form, error)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(profile_form=form)


@bp.post("/account/password")
@rate_limit("LOGIN_RATE_LIMIT")  # it checks the current password, so it could guess it
@login_required
def change_password():
    form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        record = current_session()
        try:
            services.change_password(
                user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                keep=record,
            )
        except AccountError as error:
            show_error(form, error)
        else:
            # This session goes on under new keys: a copy of its old cookies opens nothing.
            rotated = sessions.rotate_session(record)
            session[SESSION_KEY] = rotated.key
            after_this_request(lambda response: _remember_device(response, rotated.remember_key))
            db.session.commit()
            flash("Your password is changed. Every other session is logged out.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """End one of the user's sessions (and its "remember me"); this one logs out."""
    record = sessions.find_user_session(current_user, session_id)
    if record is None:
        flash("That session has already ended.", "info")
        return redirect(url_for("accounts.account"), 303)
    if record.id == getattr(current_session(), "id", None):
        _end_session()
        db.session.commit()
        flash("You are logged out.", "info")
        return redirect(url_for("accounts.login"), 303)
    device = sessions.describe_device(record.user_agent)
    sessions.end_session(record)
    db.session.commit()
    flash(f"The session on {device} has ended.", "success")
    return redirect(url_for("accounts.account"), 303)


@bp.post("/account/log-out-everywhere")
@login_required
def log_out_everywhere():
    services.end_all_sessions(current_user)
    _end_session()
    db.session.commit()
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
@rate_limit("CONFIRMATION_RATE_LIMIT")
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
@rate_limit("PASSWORD_RESET_RATE_LIMIT")
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
            show_error(form, error)
        else:
            _end_session()  # whatever session this browser had ended with the others
            db.session.commit()
            flash("Your new password is saved. Log in with it.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)
