"""The append-only activity log: every change to a public record.

Each event says who changed what, when, and the fields before and after.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields
from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import chain
from .auth.permissions import Actor
from .database import insert_rows
from .extensions import db
from .pagination import page_schema
from .types import UTCDateTime, utcnow


class ActivityEvent(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_record", "record_type", "record_id", "id"),
        Index("ix_activity_context", "context_type", "context_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int]
    record_key: Mapped[str] = mapped_column(String(200))
    record_title: Mapped[str] = mapped_column(String(300))  # as it was titled at the time
    # The record this one belongs to (a consultation's process), whose history shows it too.
    context_type: Mapped[str | None] = mapped_column(String(32))
    context_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What feeds select on: issue:<id>, process:<id>, consultation:<id>, group:<g>, region:<r>.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ActivityTag(db.Model):
    """One tag of an event, as a row, so a feed is an indexed query on any database."""

    __tablename__ = "activity_tags"

    event_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


@dataclass(frozen=True)
class Subject:
    """What an event is about: the record, the record it belongs to, and its feed tags."""

    type: str
    id: int
    key: str
    title: str
    context: tuple[str, int] | None = None
    tags: tuple[str, ...] = ()


def record(session: Session, actor: Actor, action: str, subject: Subject,
           before: dict | None, after: dict | None) -> ActivityEvent:
    """Append an event to the caller's transaction, so it commits or fails with the change,
    chained to the event before it."""
    tags = sorted({f"{subject.type}:{subject.id}", *subject.tags})
    event = ActivityEvent(
        occurred_at=utcnow(), actor_id=actor.user_id, actor_name=actor.name, action=action,
        record_type=subject.type, record_id=subject.id, record_key=subject.key,
        record_title=subject.title, before=before, after=after, tags=tags,
        context_type=subject.context[0] if subject.context else None,
        context_id=subject.context[1] if subject.context else None,
    )
    event.prev_hash = chain_head(session)
    event.hash = chain.link(event.prev_hash, chained_fields(event))
    session.add(event)
    session.flush()
    insert_rows(session, ActivityTag.__table__,
                [{"event_id": event.id, "tag": tag} for tag in tags])
    return event


def chain_head(session: Session) -> str:
    """The newest event's hash. Appends take turns: SQLite writers hold the database
    (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped advisory lock does the same."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    session.flush()  # events added earlier in this transaction come first
    newest = db.select(ActivityEvent.hash).order_by(ActivityEvent.id.desc()).limit(1)
    return session.scalar(newest) or chain.GENESIS


CHAIN_LOCK = 7_283_401  # any constant the app uses for nothing else


def chained_fields(event: ActivityEvent) -> dict:
    return {field: getattr(event, field) for field in (*chain.CHAINED, "id", "prev_hash", "hash")}


def verify_log() -> chain.Break | None:
    """The first event whose hash or link is wrong, reading the whole log in order."""
    events = db.session.scalars(
        db.select(ActivityEvent).order_by(ActivityEvent.id).execution_options(yield_per=1000))
    try:
        return chain.first_break(chained_fields(event) for event in events)
    finally:
        events.close()  # it may stop at the first break, with a server-side cursor still open


def head() -> tuple[int, str]:
    """The number of events and the newest hash: what an old export is checked against."""
    count = db.session.scalar(db.select(db.func.count()).select_from(ActivityEvent))
    newest = db.select(ActivityEvent.hash).order_by(ActivityEvent.id.desc()).limit(1)
    return count, db.session.scalar(newest) or chain.GENESIS


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def history_query(record_type: str, record_id: int):
    """A record's events and those of the records that belong to it, newest first."""
    own = (ActivityEvent.record_type == record_type) & (ActivityEvent.record_id == record_id)
    within = (ActivityEvent.context_type == record_type) & (ActivityEvent.context_id == record_id)
    return db.select(ActivityEvent).where(own | within).order_by(ActivityEvent.id.desc())


class ActivityEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_name")
    action = fields.String()
    record_type = fields.String()
    record_key = fields.String()
    record_title = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


ActivityEventPage = page_schema(ActivityEventSchema)


# The page of each kind of record, and how its key fills the URL.
RECORD_PAGES = {
    "issue": ("issues.detail", "slug"),
    "process": ("processes.detail", "slug"),
    "consultation": ("feedback.consultation", "consultation_id"),
    "submission": ("feedback.consultation", "consultation_id"),  # key: its consultation
}


def page_url(event: ActivityEvent) -> str | None:
    """The public page of the record an event is about."""
    if event.record_type not in RECORD_PAGES:
        return None
    endpoint, argument = RECORD_PAGES[event.record_type]
    key = int(event.record_key) if argument.endswith("_id") else event.record_key
    return url_for(endpoint, **{argument: key})


def tagged(tag: str | None, limit: int) -> list[ActivityEvent]:
    """The newest events with a feed tag (all events for None), newest first."""
    query = db.select(ActivityEvent).order_by(ActivityEvent.id.desc()).limit(limit)
    if tag is not None:
        query = query.join(ActivityTag).where(ActivityTag.tag == tag)
    return list(db.session.scalars(query))
