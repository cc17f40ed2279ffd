"""Writing the public dataset out: one JSON dump, a CSV file per kind of record, a README.

The same data gives the same bytes: records in id order, sorted keys, no export time.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from .. import activity, chain, vocabulary
from ..activity import ActivityEvent
from ..extensions import db
from ..feedback.downloads import spreadsheet_safe
from ..feedback.models import Consultation, Response, Submission
from ..feedback.schemas import ResponseSchema, SubmissionSchema
from ..issues.models import Issue
from ..issues.schemas import IssueSnapshot
from ..processes.models import Assessment, Process
from ..processes.service import public_record
from . import layout

Progress = Callable[[str, int], None]
EVENT_FIELDS = layout.columns("activity")


def export(directory: Path, progress: Progress = lambda kind, n: None) -> dict:
    """Write the dump into `directory`; returns the log's size and head and the files."""
    with snapshot():
        data = dataset(progress)
    directory.mkdir(parents=True, exist_ok=True)
    files = {layout.JSON_NAME: dumps(data)}
    files.update((layout.csv_name(table), table_csv(table, rows))
                 for table, rows in csv_rows(data).items())
    files[layout.README_NAME] = layout.readme(data["log"]).encode("utf-8")
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return {**data["log"], "files": list(files)}


@contextmanager
def snapshot() -> Iterator[None]:
    """One view of the database for the whole dump, so the log's head matches its events.

    SQLite readers in WAL mode see the state of their first read; PostgreSQL needs asking.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()  # begin afresh, from the newest data
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        yield
    finally:
        session.rollback()  # it only read


def dataset(progress: Progress) -> dict:
    events, head = activity.head()
    data = {"format": layout.FORMAT, "version": layout.VERSION, "licence": layout.LICENCE,
            "log": {"events": events, "head": head}}
    for kind, gather in GATHER.items():
        data[kind] = plain(gather())
        progress("events" if kind == "activity" else kind, len(data[kind]))
    return data


def by_id(model, *where) -> list:
    return list(db.session.scalars(db.select(model).where(*where).order_by(model.id)))


def issues() -> list[dict]:
    return [{"id": issue.id, **IssueSnapshot().dump(issue), "created_at": issue.created_at,
             "updated_at": issue.updated_at} for issue in by_id(Issue)]


def processes() -> list[dict]:
    return [{"id": process.id, **public_record(process)} for process in by_id(Process)]


def assessments() -> list[dict]:
    slugs = dict(db.session.execute(db.select(Process.id, Process.slug)).all())
    return [{"id": a.id, "process": slugs[a.process_id], "assessed_at": a.assessed_at,
             "profile": a.profile, "overall": a.overall, "result": a.result}
            for a in by_id(Assessment)]


CONSULTATION_FIELDS = ("id", "title", "text", "url", "sections", "questions", "opens_at",
                       "closes_at", "moderation", "created_at", "updated_at")


def consultations() -> list[dict]:
    return [{"process": c.process.slug, **{field: getattr(c, field)
                                           for field in CONSULTATION_FIELDS}}
            for c in by_id(Consultation)]


PUBLISHED = (Submission.status == "accepted", Submission.consent_to_publish.is_(True))


def submissions() -> list[dict]:
    # The schema's own times lose their microseconds when zero; ours are stamped alike.
    shape = SubmissionSchema(exclude=("created_at",))
    return [{**shape.dump(s), "consultation_id": s.consultation_id, "created_at": s.created_at}
            for s in by_id(Submission, *PUBLISHED)]


def responses() -> list[dict]:
    published = set(db.session.scalars(db.select(Submission.id).where(*PUBLISHED)))
    shape = ResponseSchema(exclude=("created_at",))
    return [{**shape.dump(r), "consultation_id": r.consultation_id, "created_at": r.created_at,
             # An answer stays public when its submission is withdrawn; the link cannot.
             "submission_id": r.submission_id if r.submission_id in published else None}
            for r in by_id(Response)]


def events() -> list[dict]:
    query = db.select(ActivityEvent).order_by(ActivityEvent.id).execution_options(
        yield_per=1000)
    return [{field: getattr(event, field) for field in EVENT_FIELDS}
            for event in db.session.scalars(query)]


GATHER: dict[str, Callable[[], list[dict]]] = {
    "issues": issues, "processes": processes, "assessments": assessments,
    "consultations": consultations, "submissions": submissions, "responses": responses,
    "activity": events,
}


def plain(value):
    """The value with its times as text: datetimes as the log stamps them, dates ISO."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return chain.stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(data: dict) -> bytes:
    text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def csv_rows(data: dict) -> dict[str, list[dict]]:
    """The rows of each CSV file, from the records of the dump."""
    principles = list(vocabulary.PRINCIPLES)
    return {
        "issues": data["issues"],
        "processes": data["processes"],
        "participants": [{"process_slug": process["slug"], **row}
                         for process in data["processes"] for row in process["participants"]],
        "assessments": [{**a, **{name: a["result"].get("principles", {}).get(name, {})
                                 .get("verdict") for name in principles}}
                        for a in data["assessments"]],
        "consultations": data["consultations"],
        "submissions": data["submissions"],
        "responses": data["responses"],
        "activity": data["activity"],
    }


def table_csv(table: str, rows: list[dict]) -> bytes:
    names = layout.columns(table)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([cell(row[name]) for name in names] for row in rows)
    return buffer.getvalue().encode("utf-8")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, str):
        return spreadsheet_safe(value)  # no cell a spreadsheet would run as a formula
    return str(value)
