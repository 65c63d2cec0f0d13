"""The second factor's pages on the account: set it up (a QR code and its key, then a
code), make new recovery codes, remove it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from shop.accounts import second_factor, sessions
from shop.accounts.blueprint import bp
from shop.accounts.errors import AccountError
from shop.accounts.forms import SecondFactorConfirmForm
from shop.accounts.fresh import fresh_login_required
from shop.accounts.sessions import current_session
from shop.accounts.views import rate_limit, show_error
from shop.database import utcnow
from shop.extensions import db


def _second_factor_page(form: SecondFactorConfirmForm | None = None, *, status: int = 200):
    user = current_user._get_current_object()
    if not user.has_second_factor:
        second_factor.start_enrolment(user)  # a pending secret, kept across reloads
        db.session.commit()
    return render_template(
        "accounts/two_factor.html",
        user=user,
        form=form or SecondFactorConfirmForm(formdata=None),
        qr_code=None if user.has_second_factor else second_factor.qr_code_data_uri(user),
        secret=None if user.has_second_factor else second_factor.grouped_secret(user),
        recovery_codes_left=second_factor.count_recovery_codes(user)
        if user.has_second_factor
        else 0,
    ), status


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return _second_factor_page()


@bp.post("/account/two-factor")
@rate_limit("LOGIN_RATE_LIMIT")
@login_required
def two_factor_confirm():
    user = current_user._get_current_object()
    form = SecondFactorConfirmForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            codes = second_factor.confirm_enrolment(user, form.code.data, now=now)
        except AccountError as error:
            db.session.rollback()
            if error.code == AccountError.ALREADY_ENROLLED:
                flash(error.message, "info")
                return redirect(url_for("accounts.two_factor"), 303)
            show_error(form, error)
        else:
            # The code proved the app: this session is now a full log-in. Any other session
            # began with the password alone, so they end.
            record = current_session()
            sessions.end_sessions(user, keep=record)
            sessions.confirm_session(record, now=now)
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, enrolled=True)
    return _second_factor_page(form, status=400)


@bp.post("/account/two-factor/restart")
@login_required
def two_factor_restart():
    try:
        second_factor.restart_enrolment(current_user)
    except AccountError as error:
        flash(error.message, "info")
    else:
        db.session.commit()
        flash("Here is a new key: scan it, then enter the code.", "info")
    return redirect(url_for("accounts.two_factor"), 303)


@bp.post("/account/two-factor/recovery-codes")
@login_required
@fresh_login_required(back="accounts.two_factor")
def recovery_codes_renew():
    user = current_user._get_current_object()
    if not user.has_second_factor:
        flash("Set up the second factor first; its recovery codes come with it.", "info")
        return redirect(url_for("accounts.two_factor"), 303)
    codes = second_factor.new_recovery_codes(user, now=utcnow())
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, enrolled=False)


@bp.post("/account/two-factor/remove")
@login_required
@fresh_login_required(back="accounts.two_factor")
def two_factor_remove():
    user = current_user._get_current_object()
    try:
        second_factor.remove_second_factor(user, actor=user, now=utcnow())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.two_factor"), 303)
    db.session.commit()
    flash("The second factor is removed: logging in asks for your password only.", "success")
    return redirect(url_for("accounts.account"), 303)
