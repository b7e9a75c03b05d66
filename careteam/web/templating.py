"""Jinja globals and filters: navigation by role, record tabs, dates in the clinic's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user

from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import APPOINTMENT_KIND_LABELS, RED_FLAG_LABELS, VISIBILITY_LABELS
from careteam.services import access, patients

# Main navigation per role. An entry shows once its endpoint exists, so a feature lights up
# its own link by registering its blueprint.
_CLINICIAN_NAV = [
    ("patients.my_patients", "My patients"),
    ("appointments.upcoming", "Upcoming appointments"),
    ("protocols.index", "Protocol templates"),
    ("break_glass.ask", "Emergency access"),
    ("account.index", "Account"),
]
MAIN_NAV: dict[Role, list[tuple[str, str]]] = {
    Role.PATIENT: [
        ("patients.my_record", "My record"),
        ("checkins.current", "Weekly check-in"),
        ("exercises.today", "Today"),
        ("flare.flare_now", "I'm having a flare"),
        ("account.index", "Account"),
    ],
    Role.PHYSICIAN: _CLINICIAN_NAV,
    Role.PHYSIOTHERAPIST: _CLINICIAN_NAV,
    Role.PSYCHOLOGIST: _CLINICIAN_NAV,
    Role.ADMIN: [
        ("admin.accounts", "Accounts"),
        ("admin.patients", "Patient records"),
        ("admin.audit", "Audit trail"),
        ("break_glass.review", "Emergency accesses"),
        ("notifications.deliveries", "Deliveries"),
        ("alert_emails.index", "Alert e-mails"),
        ("account.index", "Account"),
    ],
}

# "Who accessed my record" in the patient's words rather than the audit trail's.
ACCESS_VERBS = {  # action: (done, refused)
    "read": ("Viewed", "view"), "create": ("Added", "add"), "update": ("Changed", "change"),
    "delete": ("Deleted", "delete"), "export": ("Downloaded", "download"), "access": ("Opened", "open"),
    "acknowledge": ("Acknowledged", "acknowledge"), "apply": ("Applied", "apply"),
    "add_member": ("Added to", "add to"), "remove_member": ("Removed from", "remove from"),
    "start": ("Started", "start"), "stop": ("Stopped", "stop"), "end": ("Ended", "end"),
    "break_glass": ("Emergency access to", "use emergency access to"),
    "request": ("Asked for", "ask for"),
}
ACCESS_OBJECTS = {
    "patient": "record", "dashboard": "record overview", "weekly_checkin": "check-in",
    "summary_pdf": "handover PDF", "summary": "handover summary", "red_flag_alert": "red-flag alert",
    "ledger": "what-helped list", "care_team_member": "care team", "access_log": "this access list",
    "break_glass": "emergency access", "record_export": "a copy of the whole record",
}


def access_words(action: str, object_type: str | None, outcome: str = "success") -> str:
    done, refused = ACCESS_VERBS.get(action, (action.replace("_", " ").capitalize(), action.replace("_", " ")))
    verb = f"Tried to {refused}" if outcome == "denied" else done
    thing = ACCESS_OBJECTS.get(object_type or "", (object_type or "").replace("_", " "))
    return f"{verb} {thing}".strip()


ROLE_NAMES = {
    "patient": "Patient",
    "physician": "Physician",
    "physiotherapist": "Physiotherapist",
    "psychologist": "Psychologist",
    "admin": "Clinic admin",
}


@dataclass(frozen=True)
class RecordTab:
    endpoint: str
    label: str
    part: Part
    order: int
    action: Action = Action.READ
    roles: frozenset[Role] | None = None  # only for these roles, besides the part's policy
    own_label: str | None = None  # what the patient reads on their own record, if it differs


# The tabs of a patient's record, sorted by `order`; each shows only to whoever may read its
# part. Features add theirs with add_record_tab() when their blueprint module is imported.
OVERVIEW = "patients.record"
RECORD_TABS: list[RecordTab] = [
    RecordTab(OVERVIEW, "Overview", Part.RECORD, 10),
    RecordTab("patients.team", "Care team", Part.TEAM, 120),
    RecordTab("patients.access_log", "Who accessed this record", Part.ACCESS_LOG, 130,
              own_label="Who accessed my record"),
]


def add_record_tab(tab: RecordTab) -> None:
    if all(existing.endpoint != tab.endpoint for existing in RECORD_TABS):
        RECORD_TABS.append(tab)
        RECORD_TABS.sort(key=lambda t: t.order)


def _own_record_id() -> int | None:
    """The signed-in patient's record id, once per request."""
    if "own_record_id" not in g:
        record = patients.own_record(current_user._get_current_object())
        g.own_record_id = record.id if record else None
    return g.own_record_id


def _menu_url(endpoint: str) -> str:
    """A menu item's address. "My record" points at the record itself, so that it stays marked
    on every page of the record and the record's own menu need not repeat it as "Overview"."""
    if endpoint == "patients.my_record" and _own_record_id() is not None:
        return url_for("patients.record", patient_id=_own_record_id())
    return url_for(endpoint)


def register_templating(app: Flask) -> None:
    @app.context_processor
    def globals_():
        return {"clinic_name": current_app.config["CARETEAM_CLINIC_NAME"]}

    @app.template_global()
    def main_nav() -> list[tuple[str, str]]:
        if not current_user.is_authenticated:
            return []
        """(url, label, is current) for the signed-in person's menu. The current item is the one
        whose address is the longest prefix of this page's, so a page under it (an account's
        detail, a form's answer) keeps its place in the menu."""
        items = [(_menu_url(e), label) for e, label in MAIN_NAV[Role(current_user.role)]
                 if e in current_app.view_functions]
        path = request.path.rstrip("/") + "/"
        under = [url for url, _ in items if path.startswith(url.rstrip("/") + "/")]
        current = max(under, key=len, default=None)
        return [(url, label, url == current) for url, label in items]

    app.add_template_global(access_words)

    @app.template_global()
    def role_label(role: str) -> str:
        return ROLE_NAMES.get(role, role)

    @app.template_global()
    def has_endpoint(endpoint: str) -> bool:
        return endpoint in current_app.view_functions

    @app.template_global()
    def flag_labels(codes) -> list[str]:
        from careteam.services.questionnaires import safety_flag_labels

        safety = safety_flag_labels()  # questionnaire safety flags share the alert queue
        return [RED_FLAG_LABELS.get(code) or safety.get(code, code) for code in codes]

    @app.template_global()
    def note_visibility_label(visibility: str) -> str:
        return VISIBILITY_LABELS.get(visibility, visibility)

    @app.template_global()
    def appointment_kind_label(kind: str) -> str:
        return APPOINTMENT_KIND_LABELS.get(kind, kind)

    @app.template_global()
    def record_tabs(patient_id: int) -> list[RecordTab]:
        user = current_user._get_current_object()
        own = user.role_enum == Role.PATIENT and _own_record_id() == patient_id
        return [t for t in RECORD_TABS if (t.roles is None or user.role_enum in t.roles)
                and not (own and t.endpoint == OVERVIEW)  # the main menu's "My record"
                and access.may(user, patient_id, t.part, t.action)]

    @app.template_global()
    def current_record_tab(tabs: list[RecordTab]) -> str | None:
        """The tab to highlight: the page's own, else the first tab of the page's blueprint
        (so an intervention's detail page highlights "What helped")."""
        endpoint = request.endpoint or ""
        if any(t.endpoint == endpoint for t in RECORD_TABS):  # a tab's own page, shown or not
            return endpoint if any(t.endpoint == endpoint for t in tabs) else None
        blueprint = endpoint.split(".")[0]
        return next((t.endpoint for t in tabs if t.endpoint.split(".")[0] == blueprint), None)

    def _zone() -> ZoneInfo:
        return ZoneInfo(current_app.config["CARETEAM_TIMEZONE"])

    @app.template_global()
    def page_language() -> str:
        return language_tag(current_app.config.get("CARETEAM_LOCALE"))

    @app.template_filter("when")
    def when(value: datetime | None) -> str:
        if value is None:
            return "—"
        return value.astimezone(_zone()).strftime(f"{_day_pattern()}, %H:%M")

    @app.template_filter("day")
    def day(value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(_zone()).date()
        return value.strftime(_day_pattern())


LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
MONTH_FIRST = {"US", "PH", "FM", "MH", "PW"}  # regions that write the month before the day


def language_tag(locale: str | None) -> str:
    """CARETEAM_LOCALE as a language tag ("en-GB", also from "en_GB.UTF-8"); "en-GB" if unusable."""
    tag = (locale or "").split(".")[0].replace("_", "-")
    language, _, region = tag.partition("-")
    tag = f"{language.lower()}-{region.upper()}" if region else language.lower()
    return tag if LANGUAGE_TAG.fullmatch(tag) else "en-GB"


def day_pattern(locale: str | None) -> str:
    """Dates in text in the order the locale's date inputs use: "3 Dec 2026", "Dec 3, 2026"."""
    region = language_tag(locale).partition("-")[2]
    return "%b %-d, %Y" if region in MONTH_FIRST else "%-d %b %Y"


def _day_pattern() -> str:
    return day_pattern(current_app.config.get("CARETEAM_LOCALE"))
