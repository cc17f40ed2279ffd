"""Synthetic data at scale, for benchmarks: `flask --app clearinghouse demo`.

Records are drawn by `records.Generator` and written with bulk inserts in one transaction,
each with its assessment, answer and term rows and its hash-chained activity event, so
every page, feed, summary and search sees them as it sees records made through the API.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import Table, insert

from .. import activity, chain, vocabulary
from ..database import insert_rows, transaction
from ..exceptions import Conflict
from ..extensions import db
from ..feedback import tallies
from ..feedback.models import Consultation, Submission, SubmissionAnswer, SubmissionTerm
from ..feedback.service import summary_rows
from ..feedback.terms import fingerprint
from ..issues.models import Issue, IssueActionLine
from ..processes import assessment
from ..processes.models import (
    Assessment,
    Participant,
    Process,
    ProcessDocument,
    ProcessEvent,
    process_issues,
)
from ..processes.schemas import ProcessInput
from .records import Generator

BATCH = 2_000
ACTOR = "Demo data"
Progress = Callable[[str, int], None]


def generate(issues: int, processes: int, consultations: int, submissions: int, seed: int,
             progress: Progress = lambda stage, done: None) -> dict[str, int]:
    """Add the records in one transaction; refuses a database that has demo data already."""
    if db.session.scalar(db.select(Issue.id).where(Issue.slug == "demo-issue-1")):
        raise Conflict("This database already holds demo data: use a fresh one.")
    if (processes and not issues) or (consultations and not processes):
        raise Conflict("Processes need issues, and consultations need processes.")
    if submissions and not consultations:
        raise Conflict("Submissions need consultations.")
    made = Generator(seed, datetime.now(UTC).replace(microsecond=0))
    with transaction() as session:
        log = Log(session)
        issue_ids = add_issues(session, made, log, issues, progress)
        process_ids = add_processes(session, made, log, issue_ids, processes, progress)
        consultation_ids = add_consultations(session, made, log, process_ids, consultations,
                                             progress)
        add_submissions(session, made, log, consultation_ids, submissions, progress)
        tallies.recount(session, [cid for cid, _title, _moderation in consultation_ids])
    return {"issues": issues, "processes": processes, "consultations": consultations,
            "submissions": submissions, "events": log.count}


def insert_returning_ids(session, table: Table, rows: list[dict]) -> list[int]:
    """Bulk insert; the new ids in the order of `rows`."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


class Log:
    """Appends `created` and `published` events, chained as `activity.record` chains them."""

    def __init__(self, session):
        self.session, self.count = session, 0
        self.head = activity.chain_head(session)
        self.events: list[dict] = []

    def add(self, action: str, subject: activity.Subject, after: dict) -> None:
        tags = sorted({f"{subject.type}:{subject.id}", *subject.tags})
        event = {"occurred_at": datetime.now(UTC), "actor_id": None, "actor_name": ACTOR,
                 "action": action, "record_type": subject.type, "record_id": subject.id,
                 "record_key": subject.key, "record_title": subject.title,
                 "context_type": subject.context[0] if subject.context else None,
                 "context_id": subject.context[1] if subject.context else None,
                 "before": None, "after": after, "tags": tags, "prev_hash": self.head}
        event["hash"] = self.head = chain.link(self.head, event)
        self.events.append(event)
        if len(self.events) >= BATCH:
            self.flush()

    def flush(self) -> None:
        ids = insert_returning_ids(self.session, activity.ActivityEvent.__table__, self.events)
        insert_rows(self.session, activity.ActivityTag.__table__,
                    [{"event_id": event_id, "tag": tag}
                     for event_id, event in zip(ids, self.events, strict=True)
                     for tag in event["tags"]])
        self.count += len(ids)
        self.events = []


def batches(count: int, size: int = BATCH) -> Iterable[range]:
    return (range(start, min(start + size, count)) for start in range(0, count, size))


def add_issues(session, made: Generator, log: Log, count: int, progress: Progress
               ) -> list[int]:
    ids: list[int] = []
    for numbers in batches(count):
        records = [made.issue(n + 1) for n in numbers]
        new = insert_returning_ids(session, Issue.__table__, [
            {key: value for key, value in record.items() if key != "action_lines"}
            | {"created_at": made.now, "updated_at": made.now} for record in records])
        insert_rows(session, IssueActionLine.__table__, [
            {"issue_id": issue_id, "code": code}
            for issue_id, record in zip(new, records, strict=True)
            for code in record["action_lines"]])
        for issue_id, record in zip(new, records, strict=True):
            log.add("created", activity.Subject("issue", issue_id, record["slug"],
                                                record["title"]), {"title": record["title"]})
        ids += new
        progress("issues", len(ids))
    log.flush()
    return ids


def add_processes(session, made: Generator, log: Log, issue_ids: list[int], count: int,
                  progress: Progress) -> list[int]:
    slugs = {f"demo-issue-{n + 1}": issue_id for n, issue_id in enumerate(issue_ids)}
    ids: list[int] = []
    for numbers in batches(count):
        records = [made.process(n + 1, list(slugs)) for n in numbers]
        results = [assessment.assess(record, made.now) for record in records]
        new = insert_returning_ids(session, Process.__table__, [
            process_row(record, result["overall"], made.now)
            for record, result in zip(records, results, strict=True)])
        for process_id, record, result in zip(new, records, results, strict=True):
            add_process_parts(session, process_id, record, result, slugs, made.now)
            groups = sorted({p["stakeholder_group"] for p in record["participants"]})
            regions = sorted({p["region"] for p in record["participants"]})
            tags = (*(f"issue:{slugs[slug]}" for slug in record["issues"]),
                    *(f"group:{g}" for g in groups), *(f"region:{r}" for r in regions))
            log.add("created", activity.Subject("process", process_id, record["slug"],
                                                record["name"], tags=tags),
                    ProcessInput(only=("name", "stage", "issues")).dump(record))
        ids += new
        progress("processes", len(ids))
    log.flush()
    return ids


def process_row(record: dict, verdict: str, now: datetime) -> dict:
    participation = record["participation"]
    skipped = {"issues", "participation", "events", "documents", "participants"}
    return {**{key: value for key, value in record.items() if key not in skipped},
            "open_participation": participation["open"],
            "remote_participation": participation["remote"], "fee": participation["fee"],
            "fee_waiver": participation["fee_waiver"], "verdict": verdict,
            "created_at": now, "updated_at": now}


def add_process_parts(session, process_id: int, record: dict, result: dict,
                      slugs: dict[str, int], now: datetime) -> None:
    for model, key in ((ProcessEvent, "events"), (ProcessDocument, "documents"),
                       (Participant, "participants")):
        insert_rows(session, model.__table__,
                    [{"process_id": process_id, **row} for row in record[key]])
    insert_rows(session, process_issues, [{"process_id": process_id, "issue_id": slugs[slug]}
                                          for slug in record["issues"]])
    insert_rows(session, Assessment.__table__, [{
        "process_id": process_id, "assessed_at": now, "profile": result["profile"],
        "overall": result["overall"], "result": result}])


def add_consultations(session, made: Generator, log: Log, process_ids: list[int], count: int,
                      progress: Progress) -> list[tuple[int, str, str]]:
    """(id, title, moderation) of each new consultation."""
    made_ones: list[tuple[int, str, str]] = []
    for numbers in batches(count):
        records = [made.consultation(n + 1) | {"process_id": made.random.choice(process_ids)}
                   for n in numbers]
        new = insert_returning_ids(session, Consultation.__table__, [
            record | {"created_at": made.now, "updated_at": made.now} for record in records])
        for consultation_id, record in zip(new, records, strict=True):
            subject = activity.Subject(
                "consultation", consultation_id, str(consultation_id), record["title"],
                context=("process", record["process_id"]),
                tags=(f"process:{record['process_id']}",))
            log.add("created", subject, {"title": record["title"]})
            made_ones.append((consultation_id, record["title"], record["moderation"]))
        progress("consultations", len(made_ones))
    log.flush()
    return made_ones


def add_submissions(session, made: Generator, log: Log,
                    consultations: list[tuple[int, str, str]], count: int,
                    progress: Progress) -> None:
    campaigns = made.campaign_texts()
    buckets = list(made.spread(count, len(consultations))) if consultations else []
    done = 0
    for numbers in batches(count):
        targets = [consultations[buckets[n]] for n in numbers]
        rows = [submission_row(made, target, campaigns, n)
                for n, target in zip(numbers, targets, strict=True)]
        new = insert_returning_ids(session, Submission.__table__,
                                   [row for row, _texts in rows])
        add_answers_and_terms(session, new, rows)
        for submission_id, (row, _texts), target in zip(new, rows, targets, strict=True):
            if row["status"] == "accepted" and row["consent_to_publish"]:
                log_published(log, submission_id, row, target[1])
        done += len(new)
        progress("submissions", done)
    log.flush()


def submission_row(made: Generator, consultation: tuple[int, str, str], campaigns: list[str],
                   n: int) -> tuple[dict, list[str]]:
    consultation_id, _title, moderation = consultation
    values = made.submission(campaigns)
    texts = [values["comment"], *(c["text"] for c in values["comments"]), values["answers"]["q4"]]
    receipt = hashlib.sha256(f"demo:{made.random.random()}:{n}".encode()).hexdigest()
    row = values | {"consultation_id": consultation_id, "status": made.status(moderation),
                    "region": vocabulary.region_of(values["country"]), "receipt_hash": receipt,
                    "fingerprint": fingerprint(" ".join(texts)), "reported": False,
                    "created_at": made.now, "updated_at": made.now}
    return row, texts


def add_answers_and_terms(session, ids: list[int], rows: list[tuple[dict, list[str]]]) -> None:
    kinds = {"q1": "scale", "q2": "single", "q3": "multiple", "q4": "text"}
    answers, terms = [], []
    for submission_id, (row, texts) in zip(ids, rows, strict=True):
        answer_rows, term_rows = summary_rows(submission_id, row["answers"], kinds, texts)
        answers += answer_rows
        terms += term_rows
    insert_rows(session, SubmissionAnswer.__table__, answers)
    insert_rows(session, SubmissionTerm.__table__, terms)


def log_published(log: Log, submission_id: int, row: dict, title: str) -> None:
    consultation_id = row["consultation_id"]
    subject = activity.Subject(
        "submission", submission_id, str(consultation_id), title,
        context=("consultation", consultation_id),
        tags=(f"consultation:{consultation_id}", f"group:{row['stakeholder_group']}",
              f"region:{row['region']}"))
    log.add("published", subject, {key: row[key] for key in
                                   ("stakeholder_group", "region", "country")})
