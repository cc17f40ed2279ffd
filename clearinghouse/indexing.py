"""Keeping the search index in step with the database.

The activity log is the outbox: every change writes its event in the same
transaction, so the indexer applies events after their commit, in order, from
where it last stopped; a crash leaves them for the next drain. `rebuild`
remakes the index from the database alone, so the index can always be thrown away.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from . import search
from .activity import ActivityEvent
from .database import transaction
from .extensions import db
from .feedback import service as feedback
from .feedback.models import Consultation, Submission
from .issues import service as issues
from .issues.models import Issue
from .processes import service as processes
from .processes.models import Process

BATCH = 500


class SearchState(db.Model):
    """Where the indexer stopped: the last activity event it applied."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)


def index() -> search.Index:
    """This app's index, opened once; it notices a rebuild's swap by itself."""
    if "search" not in current_app.extensions:
        directory = current_app.config.get("SEARCH_INDEX_DIR") or \
            Path(current_app.instance_path) / "search-index"
        current_app.extensions["search"] = search.Index(Path(directory))
    return current_app.extensions["search"]


def cursor() -> int:
    state = db.session.get(SearchState, 1)
    return state.last_event_id if state else 0


def move_cursor(event_id: int) -> None:
    with transaction() as session:
        state = session.get(SearchState, 1) or SearchState(id=1)
        state.last_event_id = max(state.last_event_id or 0, event_id)
        session.add(state)


def drain(batch: int = BATCH) -> int:
    """Apply the events committed since the last drain; the number applied."""
    query = (db.select(ActivityEvent).where(ActivityEvent.id > cursor())
             .order_by(ActivityEvent.id).limit(batch))
    events = list(db.session.scalars(query))
    if not events:
        return 0
    upserts, deletions = changes_for({(e.record_type, e.record_id, e.context_id) for e in events})
    index().apply(upserts, deletions)
    move_cursor(events[-1].id)
    return len(events)


def changes_for(touched) -> tuple[list[search.Document], list[str]]:
    """The documents to write and the keys to remove for the records the events touched."""
    upserts: dict[str, search.Document] = {}
    deletions: set[str] = set()
    for record_type, record_id, context_id in touched:
        key = f"{record_type}:{record_id}"
        documents = documents_of(record_type, record_id, context_id)
        if not any(document.key == key for document in documents):
            deletions.add(key)
        upserts.update((document.key, document) for document in documents)
    return list(upserts.values()), sorted(deletions - set(upserts))


def documents_of(record_type: str, record_id: int, context_id: int | None
                 ) -> list[search.Document]:
    """A record's documents as the database has them now: none when it is no longer public."""
    if record_type == "issue" and (issue := db.session.get(Issue, record_id)):
        return [issues.search_document(issue)]
    if record_type == "process" and (process := db.session.get(Process, record_id)):
        return [processes.search_document(process)]
    if record_type == "consultation" and (item := db.session.get(Consultation, record_id)):
        return feedback.search_documents(item)
    if record_type == "submission":
        submission = db.session.get(Submission, record_id)
        if submission is not None and submission.published:
            issue_slugs = tuple(i.slug for i in submission.consultation.process.issues)
            return [feedback.submission_document(submission, issue_slugs)]
    return []


def every_document() -> Iterator[search.Document]:
    for issue in db.session.scalars(db.select(Issue).order_by(Issue.id)):
        yield issues.search_document(issue)
    for process in db.session.scalars(db.select(Process).order_by(Process.id)):
        yield processes.search_document(process)
    for consultation in db.session.scalars(db.select(Consultation).order_by(Consultation.id)):
        yield from feedback.search_documents(consultation)


def rebuild(progress: Callable[[int], None] = lambda done: None) -> int:
    """A new index from the database, swapped in whole; events after it are drained later."""
    head = db.session.scalar(db.select(db.func.max(ActivityEvent.id))) or 0
    count = index().rebuild(every_document(), progress)
    move_cursor(head)
    return count


def drift() -> tuple[set[str], set[str]]:
    """Keys the database has and the index lacks, and keys the index has for nothing."""
    expected = {document.key for document in every_document()}
    indexed = index().keys()
    return expected - indexed, indexed - expected


def work(interval: float = 0.2, stop: Callable[[], bool] = lambda: False) -> None:
    """The indexer: drain, then sleep a moment when there was nothing to do."""
    while not stop():
        if not drain():
            db.session.remove()
            time.sleep(interval)
