"""The append-only activity log: every change to a public record.

Each event says who changed what, when, and the fields before and after.
"""

from datetime import datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from .auth.permissions import Actor
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


def record(
    session: Session,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: int,
    key: str,
    title: str,
    before: dict | None,
    after: dict | None,
    context: tuple[str, int] | None = None,
) -> ActivityEvent:
    """Add an event to the caller's transaction, so it commits or fails with the change.

    `context` names the record this one belongs to, whose history shows the event too."""
    event = ActivityEvent(
        actor_id=actor.user_id,
        actor_name=actor.name,
        action=action,
        record_type=record_type,
        record_id=record_id,
        record_key=key,
        record_title=title,
        before=before,
        after=after,
        context_type=context[0] if context else None,
        context_id=context[1] if context else None,
    )
    session.add(event)
    return event


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def history_query(record_type: str, record_id: int):
    """A record's events and those of the records that belong to it, newest first."""
    own = (ActivityEvent.record_type == record_type) & (ActivityEvent.record_id == record_id)
    within = (ActivityEvent.context_type == record_type) & (ActivityEvent.context_id == record_id)
    return db.select(ActivityEvent).where(own | within).order_by(ActivityEvent.id.desc())


def recent(limit: int = 10) -> list[ActivityEvent]:
    query = db.select(ActivityEvent).order_by(ActivityEvent.id.desc()).limit(limit)
    return list(db.session.scalars(query))


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
