"""Login, logout, password change and language switch pages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from fieldlog import labels
from fieldlog.auth import bp, service
from fieldlog.auth.forms import LocaleForm, LoginForm, PasswordChangeForm
from fieldlog.auth.service import TooManyAttempts
from fieldlog.errors import DomainError
from fieldlog.extensions import db
from fieldlog.webutil import attempt, safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("logs.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            account = service.authenticate(form.username.data, form.password.data, _address())
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 429 if isinstance(error, TooManyAttempts) else 200
        else:
            login_user(account)
            db.session.commit()
            if account.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(safe_next(form.next.data) or url_for("logs.home"))
    return render_template("auth/login.html", form=form), status


def _address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    service.logout(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", role_labels=labels.ROLE)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        ok, _result = attempt(
            form,
            lambda: service.change_password(
                current_user, form.current_password.data, form.new_password.data
            ),
        )
        if ok:
            db.session.commit()
            login_user(current_user._get_current_object())  # this device keeps its session
            flash(_("Password changed. Other devices have been logged out."), "success")
            return redirect(url_for("logs.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/locale", methods=["POST"])
def locale():
    form = LocaleForm()
    target = safe_next(form.next.data) or url_for("logs.home")
    if form.validate_on_submit():
        account = current_user if current_user.is_authenticated else None
        languages = tuple(current_app.config["LANGUAGES"])
        try:
            session["locale"] = service.set_locale(account, form.locale.data, languages)
        except DomainError as error:
            flash(error.message, "error")
        db.session.commit()
    return redirect(target)
