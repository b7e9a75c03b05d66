"""SQLAlchemy models, persistence only. Import from here."""

from careteam.models.alert import AlertEscalation, RedFlagAlert
from careteam.models.appointment import Appointment
from careteam.models.audit import AuditEvent
from careteam.models.break_glass import BreakGlassGrant
from careteam.models.bundle import PdfBundle
from careteam.models.checkin import CheckinExerciseCount, EffectRating, WeeklyCheckin
from careteam.models.exercise import ExerciseDose, ExercisePrescription, ExerciseSession
from careteam.models.exposure import ExposureAttempt, ExposureItem
from careteam.models.flare import FlareDay, FlarePlan, flare_plan_tools
from careteam.models.goal import FunctionalGoal, GoalScore
from careteam.models.graded_activity import ActivityLog, GradedActivityPlan, QuotaDecision
from careteam.models.intervention import Intervention
from careteam.models.note import Note, Question, QuestionRead, QuestionReply
from careteam.models.notification import EmailOptOut, Notification, ReminderSettings
from careteam.models.patient import CareTeamMember, Patient
from careteam.models.protocol import ProtocolTemplate
from careteam.models.questionnaire import QuestionnaireAnswer, QuestionnaireAssignment, QuestionnaireResponse
from careteam.models.record_export import RecordExport
from careteam.models.timeline import RecordEvent
from careteam.models.types import utcnow
from careteam.models.user import ApiToken, RecoveryCode, User

__all__ = [
    "ActivityLog",
    "AlertEscalation",
    "ApiToken",
    "Appointment",
    "AuditEvent",
    "BreakGlassGrant",
    "CareTeamMember",
    "CheckinExerciseCount",
    "EffectRating",
    "EmailOptOut",
    "ExerciseDose",
    "ExercisePrescription",
    "ExerciseSession",
    "ExposureAttempt",
    "ExposureItem",
    "FlareDay",
    "FlarePlan",
    "FunctionalGoal",
    "GoalScore",
    "GradedActivityPlan",
    "Intervention",
    "Note",
    "Notification",
    "Patient",
    "PdfBundle",
    "ProtocolTemplate",
    "QuestionnaireAnswer",
    "QuestionnaireAssignment",
    "QuestionnaireResponse",
    "QuotaDecision",
    "Question",
    "QuestionRead",
    "QuestionReply",
    "RecordEvent",
    "RecordExport",
    "RecoveryCode",
    "RedFlagAlert",
    "ReminderSettings",
    "User",
    "WeeklyCheckin",
    "flare_plan_tools",
    "utcnow",
]
