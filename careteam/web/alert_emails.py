"""The admin's switch for clinicians' alert e-mails (services/alert_emails)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.services import alert_emails
from careteam.web.forms import ActionForm
from careteam.web.login import actor

bp = Blueprint("alert_emails", __name__, url_prefix="/admin/alert-emails")


@bp.route("")
@login_required
def index():
    return render_template("admin/alert_emails.html", clinicians=alert_emails.clinicians(actor()), form=ActionForm())


@bp.route("/<int:user_id>", methods=["POST"])
@login_required
def switch(user_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        on = request.form.get("state") == "on"  # anything else switches off: the button says which
        alert_emails.set_alert_emails(actor(), user_id, on)
        if on:
            flash("Alert e-mails switched on.", "success")
        else:
            flash("Alert e-mails switched off.", "success")
    return redirect(url_for("alert_emails.index"))
