"""Admin endpoints: accounts, patient records, the audit trail. Non-admins get 403."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import with_next_link
from careteam.api.schemas import Extended, InputSchema, PageArgs, PatientOut, UserOut
from careteam.domain.policy import Role
from careteam.services import accounts, audit_log, auth, patients, two_factor
from careteam.web.login import actor

blp = api_blueprint("api_admin", __name__, "Accounts, patient records and the audit trail (admins).")


class AccountQuery(PageArgs):
    q = fields.Str(load_default="", validate=validate.Length(max=254))
    role = fields.Str(load_default="", validate=validate.OneOf([""] + [r.value for r in Role]))


class AccountIn(InputSchema):
    email = fields.Str(required=True, validate=validate.Length(min=3, max=254))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    role = fields.Str(required=True, validate=validate.OneOf([r.value for r in Role]))


class AccountPatchIn(InputSchema):
    """Only the fields to change."""

    email = fields.Str(validate=validate.Length(min=3, max=254))
    name = fields.Str(validate=validate.Length(min=1, max=200))
    role = fields.Str(validate=validate.OneOf([r.value for r in Role]), metadata={
        "description": "A new role ends the account's sessions and API tokens. Refused (422) for "
                       "your own account, for a patient account that owns a record, and for a "
                       "clinician still on a care team."})


class AccountPage(Schema):
    items = fields.List(fields.Nested(UserOut))
    page = fields.Int(attribute="number")
    has_next = fields.Bool()


class AccountDetailOut(UserOut):
    patient_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    has_mfa = fields.Bool(metadata={"description": "Whether two-factor sign-in is on."})


class LinkOut(Schema):
    link = fields.Str(allow_none=True, metadata={
        "description": "A first-time link; null for an account with a password (its reset link is only e-mailed)."})
    emailed = fields.Bool()


class PatientRecordIn(InputSchema):
    date_of_birth = fields.Date(load_default=None, allow_none=True)


class AuditQuery(PageArgs):
    user_email = fields.Str(load_default="", validate=validate.Length(max=254))
    patient_id = fields.Int(load_default=None, allow_none=True)
    action = fields.Str(load_default="", validate=validate.Length(max=40))
    outcome = fields.Str(load_default="", validate=validate.OneOf(["", "success", "failure", "denied"]))
    since = fields.Date(load_default=None, allow_none=True)
    until = fields.Date(load_default=None, allow_none=True)


class AuditEventOut(Schema):
    id = fields.Int(attribute="event.id")
    occurred_at = fields.DateTime(attribute="event.occurred_at")
    user_id = fields.Int(attribute="event.user_id", allow_none=True)
    user_email = fields.Str(allow_none=True)
    role = fields.Str(attribute="event.role", allow_none=True)
    patient_id = fields.Int(attribute="event.patient_id", allow_none=True)
    object_type = fields.Str(attribute="event.object_type", allow_none=True)
    object_id = fields.Str(attribute="event.object_id", allow_none=True)
    action = fields.Str(attribute="event.action")
    outcome = fields.Str(attribute="event.outcome")
    detail = fields.Str(attribute="event.detail", allow_none=True)
    address = fields.Str(attribute="event.address", allow_none=True)
    request_id = fields.Str(attribute="event.request_id", allow_none=True)


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEventOut))
    page = fields.Int(attribute="number")
    has_next = fields.Bool()


def _detail(user_id: int) -> Extended:
    user, record = accounts.get_account(actor(), user_id)
    return Extended(user, patient_id=record.id if record else None)


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.arguments(AccountQuery, location="query")
    @blp.response(200, AccountPage)
    def get(self, args):
        listing = accounts.list_accounts(actor(), query=args["q"], role=args["role"], page=args["page"],
                                         per_page=args["limit"])
        return with_next_link(listing)

    @blp.arguments(AccountIn)
    @blp.response(201, AccountDetailOut)
    def post(self, data):
        """Create an account without a password; issue a set-password link next."""
        user = accounts.create_account(actor(), data["email"], data["name"], data["role"])
        return _detail(user.id)


@blp.route("/accounts/<int:user_id>")
class AccountItem(MethodView):
    @blp.response(200, AccountDetailOut)
    def get(self, user_id: int):
        return _detail(user_id)

    @blp.arguments(AccountPatchIn)
    @blp.response(200, AccountDetailOut)
    @blp.alt_response(409, description="Another account already uses this e-mail address "
                                        '(`{"errors": {"email": [...]}}`).')
    def patch(self, data, user_id: int):
        """Change the name, e-mail or role. A new e-mail address is told to the old and the new
        address; a new role ends the account's sessions and API tokens. Each change is audited
        with its values before and after."""
        accounts.update_account(actor(), user_id, **data)
        return _detail(user_id)


@blp.route("/accounts/<int:user_id>/deactivate")
class Deactivate(MethodView):
    @blp.response(200, AccountDetailOut)
    def post(self, user_id: int):
        """Deactivate the account; every session and API token of it stops working at once."""
        accounts.set_active(actor(), user_id, False)
        return _detail(user_id)


@blp.route("/accounts/<int:user_id>/reactivate")
class Reactivate(MethodView):
    @blp.response(200, AccountDetailOut)
    def post(self, user_id: int):
        accounts.set_active(actor(), user_id, True)
        return _detail(user_id)


@blp.route("/accounts/<int:user_id>/set-password-link")
class SetPasswordLink(MethodView):
    @blp.response(201, LinkOut)
    def post(self, user_id: int):
        """A one-time, timed link. For an account that has a password it is only e-mailed to the
        owner (422 without SMTP: the admin can deactivate, not take over)."""
        link, emailed = auth.issue_set_password_link(actor(), user_id)
        return {"link": link, "emailed": emailed}


@blp.route("/accounts/<int:user_id>/reset-two-factor")
class ResetTwoFactor(MethodView):
    @blp.response(200, AccountDetailOut)
    def post(self, user_id: int):
        """The person sets up two-factor sign-in again; their sessions and API tokens end."""
        two_factor.reset_second_factor(actor(), user_id)
        return _detail(user_id)


@blp.route("/accounts/<int:user_id>/patient-record")
class PatientRecord(MethodView):
    @blp.arguments(PatientRecordIn)
    @blp.response(201, PatientOut)
    def post(self, data, user_id: int):
        return patients.create_patient_record(actor(), user_id, data["date_of_birth"])


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPage)
    def get(self, args):
        page_number, limit = args.pop("page"), args.pop("limit")
        listing = audit_log.search(actor(), audit_log.AuditFilter(**args), page_number, limit)
        return with_next_link(listing)
