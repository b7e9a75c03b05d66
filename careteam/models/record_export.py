"""A patient's whole record as a ZIP ("Download my record"), prepared by the worker for the one
who asked; the file is deleted after a while, like the clinic-day PDF bundle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from careteam.extensions import db
from careteam.models.bundle import QUEUED
from careteam.models.types import UTCDateTime, utcnow


class RecordExport(db.Model):
    __tablename__ = "record_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who asked; only they download
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)  # files written so far
    total: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
