"""SQLAlchemy models, persistence only. Import from here."""

from careteam.models.audit import AuditEvent
from careteam.models.patient import CareTeamMember, Patient
from careteam.models.types import utcnow
from careteam.models.user import ApiToken, User

__all__ = ["ApiToken", "AuditEvent", "CareTeamMember", "Patient", "User", "utcnow"]
