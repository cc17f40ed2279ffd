"""A governance process, its events, documents, participants, stewards and assessments."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..issues.models import Issue
from ..types import UTCDateTime, utcnow

process_issues = Table(
    "process_issues",
    db.metadata,
    Column("process_id", ForeignKey("processes.id"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id"), primary_key=True, index=True),
)

process_stewards = Table(
    "process_stewards",
    db.metadata,
    Column("process_id", ForeignKey("processes.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Process(db.Model):
    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    convener: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(32), index=True)
    aim: Mapped[str] = mapped_column(Text, default="")
    modalities: Mapped[str] = mapped_column(Text, default="")
    significance: Mapped[str] = mapped_column(Text, default="")
    intended_outcomes: Mapped[str] = mapped_column(Text, default="")
    # The body the work was handed to, by name; linked when it is a registered process.
    delegated_to: Mapped[str | None] = mapped_column(String(200))
    delegated_process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id"))
    open_participation: Mapped[bool] = mapped_column(default=False)
    remote_participation: Mapped[bool] = mapped_column(default=False)
    fee: Mapped[bool] = mapped_column(default=False)
    fee_waiver: Mapped[bool] = mapped_column(default=False)
    recourse: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The parts of the record that are illustrative rather than sourced.
    illustrative: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The record's own words in other languages: {"fr": {"title": …}}; see i18n.localised.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}")
    # The latest assessment's overall verdict, kept here so lists filter on it in SQL.
    verdict: Mapped[str | None] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    issues: Mapped[list[Issue]] = relationship(
        secondary=process_issues, lazy="selectin", order_by=Issue.title
    )
    events: Mapped[list["ProcessEvent"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="[ProcessEvent.starts_at, ProcessEvent.title]"
    )
    documents: Mapped[list["ProcessDocument"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProcessDocument.id"
    )
    participants: Mapped[list["Participant"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Participant.id"
    )
    delegated_process: Mapped["Process | None"] = relationship(remote_side=[id])


class ProcessEvent(db.Model):
    __tablename__ = "process_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    announced_on: Mapped[date | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(200))
    remote: Mapped[bool] = mapped_column(default=False)


class ProcessDocument(db.Model):
    __tablename__ = "process_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(16))


class Participant(db.Model):
    """`count` participants of one stakeholder group from one country, or only one region."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(32), index=True)
    count: Mapped[int] = mapped_column(default=1)


class Assessment(db.Model):
    """The principles checked against a process as it stood at `assessed_at`."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    profile: Mapped[str] = mapped_column(String(64))
    overall: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
