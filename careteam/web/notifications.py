"""The bell and its list, notification settings, one-click unsubscribe, the admin's delivery log."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from careteam.domain.notifications import LOG_LABELS, wording
from careteam.extensions import csrf
from careteam.services import alert_emails, clock, digest, notifications, outbox
from careteam.services.errors import InvalidInput
from careteam.web.forms import ActionForm, readable_data, show_rule_problems, show_service_errors
from careteam.web.forms.notifications import NotificationSettingsForm
from careteam.web.login import actor

bp = Blueprint("notifications", __name__)


@bp.record_once
def _bell(state) -> None:
    app: Flask = state.app

    @app.context_processor
    def unread_notifications():
        def count() -> int:
            return notifications.unread_count(actor()) if current_user.is_authenticated else 0
        return {"unread_notifications": count}


@bp.route("/notifications")
@login_required
def index():
    page = notifications.list_for(actor(), request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page, wording=wording, action_form=ActionForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    return redirect(notifications.open_notification(actor(), notification_id))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notifications.mark_read(actor(), notification_id)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    changed = notifications.mark_read(actor())
    if changed == 1:
        flash("1 notification marked as read.", "success")
    else:
        flash(f"{changed} notifications marked as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = NotificationSettingsForm(obj=notifications.settings_for(actor()) if request.method == "GET" else None)
    if form.validate_on_submit():
        values = notifications.SettingsValues(**{f.name: getattr(form, f.name).data for f in fields(notifications.SettingsValues)})
        values.timezone = (values.timezone or "").strip()
        try:
            notifications.save_settings(actor(), values)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Notification settings saved.", "success")
            return redirect(url_for("notifications.settings"))
    elif form.is_submitted():  # the rules too, so that every problem shows in this one round
        names = ("timezone", "checkin_time", "next_day_time", "digest_time", "checkin_weekday")
        show_rule_problems(form, {name: messages[0] for name, messages in
                                  notifications.settings_problems(readable_data(form, names)).items()})
    status = 422 if request.method == "POST" else 200
    alerts_emailed = actor().is_clinician and alert_emails.alert_emails_on(actor().id)
    return render_template("notifications/settings.html", form=form, alerts_emailed=alerts_emailed), status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" without a form token
def unsubscribe(token: str):
    found = outbox.read_unsubscribe_token(token)
    if found is None or (current_user.is_authenticated and current_user.id != found[0]):
        return render_template("notifications/unsubscribe.html", problem=True), 400
    user_id, kind = found
    if request.method == "POST":
        outbox.unsubscribe(user_id, kind)
        return render_template("notifications/unsubscribe.html", done=True, label=wording(kind).setting_label)
    return render_template("notifications/unsubscribe.html", token=token, label=wording(kind).setting_label)


@bp.route("/digest")
@login_required
def digest_page():
    since = _since(request.args.get("since", ""))
    return render_template("notifications/digest.html", rows=digest.digest_for(actor(), since), since=since,
                           today=clock.today())


def _since(text: str) -> datetime:
    """The digest link's start; anything unreadable means the last 24 hours."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        return clock.now() - timedelta(days=1)
    return max(value, clock.now() - timedelta(days=31))


@bp.route("/admin/deliveries")
@login_required
def deliveries():
    status = request.args.get("status", "")
    if status not in ("", "pending", "sent", "failed"):
        status = ""
    page = notifications.delivery_log(actor(), request.args.get("page", 1, type=int), status)
    return render_template("notifications/deliveries.html", page=page, status=status, log_labels=LOG_LABELS)
