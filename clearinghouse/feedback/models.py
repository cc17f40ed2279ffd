"""Consultations, the submissions people send to them, and what the process answers.

Structured answers and the terms of comments are also kept as rows, so summaries
are counted by the database and never by loading every submission.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..processes.models import Process
from ..types import UTCDateTime, utcnow

# Accepted submissions are counted; only those whose submitter consented are shown.
STATUSES = ("pending", "accepted", "rejected", "withdrawn")


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    moderation: Mapped[str] = mapped_column(String(8), default="post")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    process: Mapped[Process] = relationship(lazy="joined")

    def state_at(self, now: datetime) -> str:
        """upcoming, open or closed: open from opens_at up to, not including, closes_at."""
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_counted", "consultation_id", "status", "stakeholder_group",
              "region"),
        Index("ix_submissions_campaign", "consultation_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    status: Mapped[str] = mapped_column(String(16))
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    on_behalf_of_organisation: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="en")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    # SHA-256 of the receipt token and of the normalised text (for campaigns).
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    reported: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation: Mapped[Consultation] = relationship()

    @property
    def published(self) -> bool:
        return self.status == "accepted" and self.consent_to_publish


class SubmissionAnswer(db.Model):
    """One value of one structured answer: a multiple choice gives a row per option."""

    __tablename__ = "submission_answers"
    __table_args__ = (Index("ix_submission_answers_tally", "question_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(200))


class SubmissionTerm(db.Model):
    """A distinct term of a submission's comments, for the summary's key terms."""

    __tablename__ = "submission_terms"
    __table_args__ = (UniqueConstraint("submission_id", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    term: Mapped[str] = mapped_column(String(40), index=True)


class ModerationDecision(db.Model):
    """Every change of a submission's status, with who made it, when and why."""

    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(String(16))
    after: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)


class Response(db.Model):
    """The process's answer to one submission or to a theme of the feedback."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    theme: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
