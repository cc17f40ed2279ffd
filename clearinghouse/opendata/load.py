"""Loading a dump into an empty instance: every record checked first, then written with its
own id and times in one transaction, straight through the models, so no event is added."""

import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from ..activity import ActivityEvent, ActivityTag
from ..database import transaction
from ..exceptions import Conflict
from ..extensions import db
from ..feedback.models import Consultation, Response, Submission
from ..feedback.service import fill
from ..issues.models import Issue
from ..processes.models import Assessment, Process
from ..processes.service import apply
from . import layout
from .checks import KINDS, check, read

Progress = Callable[[str, int], None]


def import_(directory: Path, progress: Progress = lambda kind, n: None) -> dict:
    """Load `directory`'s dump into this empty instance; returns how many of each it loaded."""
    plan = check(read(directory / layout.JSON_NAME))
    with transaction() as session:
        require_empty()
        for kind in KINDS:
            WRITERS[kind](session, plan)
            progress("events" if kind == "activity" else kind, len(plan[kind]))
        if session.get_bind().dialect.name == "postgresql":
            reset_sequences(session)
    counts = {kind: len(plan[kind]) for kind in KINDS[:-1]}
    return {**counts, "events": len(plan["activity"]), "head": plan["head"]}


def require_empty() -> None:
    for model in (Issue, Process, ActivityEvent):
        if db.session.scalar(db.select(model.id).limit(1)) is not None:
            raise Conflict(f"This instance already holds {model.__tablename__}: "
                           "a dump is imported only into an empty one.")


def write_processes(session, plan) -> None:
    """Processes with their children and issues; delegations once every process exists."""
    for row in plan["processes"]:
        values = dict(row)
        del values["delegated_process"]
        process = Process(**{key: values.pop(key) for key in (
            "id", "slug", "verdict", "delegated_to", "created_at", "updated_at")})
        apply(process, values, list(values))  # the service's own setters, without its events
        session.add(process)
    session.flush()
    ids = {row["slug"]: row["id"] for row in plan["processes"]}
    for row in plan["processes"]:
        if row["delegated_process"] is not None:
            session.execute(db.update(Process).where(Process.id == row["id"]).values(
                delegated_process_id=ids[row["delegated_process"]],
                updated_at=row["updated_at"]))  # as recorded, not now


def write_rows(model, kind: str) -> Callable:
    def write(session, plan) -> None:
        session.add_all(model(**row) for row in plan[kind])
        session.flush()

    return write


def write_submissions(session, plan) -> None:
    """Published ones, with answer and term rows made as they are on entry. Their owners'
    private links are never exported, so each gets one that no one can ever present."""
    consultations = {c.id: c for c in session.scalars(db.select(Consultation))}
    for row in plan["submissions"]:
        unusable = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        submission = Submission(id=row["id"], consultation_id=row["consultation_id"],
                                status="accepted", receipt_hash=unusable,
                                created_at=row["created_at"], updated_at=row["created_at"])
        fill(session, submission, row["values"], consultations[row["consultation_id"]])


def write_events(session, plan) -> None:
    events = plan["activity"]
    if events:
        session.execute(db.insert(ActivityEvent), events)
        session.execute(db.insert(ActivityTag), [
            {"event_id": event["id"], "tag": tag} for event in events
            for tag in sorted(set(event["tags"]))])


WRITERS = {"issues": write_rows(Issue, "issues"), "processes": write_processes,
           "assessments": write_rows(Assessment, "assessments"),
           "consultations": write_rows(Consultation, "consultations"),
           "submissions": write_submissions, "responses": write_rows(Response, "responses"),
           "activity": write_events}
EXPLICIT_IDS = (Issue, Process, Assessment, Consultation, Submission, Response, ActivityEvent)


def reset_sequences(session) -> None:
    """After rows with given ids, PostgreSQL's sequences must move past them."""
    for model in EXPLICIT_IDS:
        table = model.__tablename__  # our own names, never input
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1)) "  # noqa: S608 # nosec B608
            f"FROM {table}"))
