"""Log in, log out, the account page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import bp
from shop.accounts.forms import LoginForm
from shop.accounts.services import find_user_by_email, find_user_by_session_token, password_matches
from shop.extensions import db, login_manager


@login_manager.user_loader
def _load_user(session_token: str):
    return find_user_by_session_token(session_token)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and password_matches(user, form.password.data) and user.is_active:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(url_for("accounts.account"))
        form.password.errors.append("The e-mail or the password is wrong.")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("catalog.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    return render_template("accounts/register.html")


@bp.get("/account")
@login_required
def account():
    return render_template("accounts/account.html", user=current_user)
