"""A patient's record and its care team."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class Patient(db.Model):
    """The record of one person; their account is a `User` with the patient role."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    team: Mapped[list[CareTeamMember]] = relationship(
        back_populates="patient",
        cascade="all, delete-orphan",
        order_by="CareTeamMember.discipline, CareTeamMember.id",
    )

    @property
    def name(self) -> str:
        return self.user.name

    def __repr__(self) -> str:
        return f"<Patient {self.id}>"


class CareTeamMember(db.Model):
    """A clinician on one patient's care team, with the discipline they serve in."""

    __tablename__ = "care_team_members"
    __table_args__ = (UniqueConstraint("patient_id", "clinician_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    discipline: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    patient: Mapped[Patient] = relationship(back_populates="team")
    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
