"""Keeping the search index in step with the database.

The activity log is the outbox: every change writes its event in the same
transaction, so the indexer applies events after their commit, in order, from
where it last stopped; a crash leaves them for the next drain. `rebuild`
remakes the index from the database alone, so the index can always be thrown away.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from . import search, search_postgres
from .activity import ActivityEvent
from .database import move_data_version, transaction
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


def index() -> search.Index | search_postgres.Index:
    """This app's index, opened once; a Whoosh index notices a rebuild's swap by itself."""
    if "search" not in current_app.extensions:
        current_app.extensions["search"] = open_index()
    return current_app.extensions["search"]


def open_index() -> search.Index | search_postgres.Index:
    """Whoosh in the instance folder by default; PostgreSQL when hosts share one database."""
    backend = current_app.config.get("SEARCH_BACKEND", "whoosh")
    if backend == "postgres":
        return search_postgres.Index(db.engine)
    if backend != "whoosh":
        raise ValueError(f"SEARCH_BACKEND: {backend!r} is not 'whoosh' or 'postgres'")
    directory = current_app.config.get("SEARCH_INDEX_DIR") or \
        Path(current_app.instance_path) / "search-index"
    return search.Index(Path(directory))


def cursor() -> int:
    state = db.session.get(SearchState, 1)
    return state.last_event_id if state else 0


def move_cursor(event_id: int) -> None:
    with transaction() as session:
        state = session.get(SearchState, 1) or SearchState(id=1)
        state.last_event_id = max(state.last_event_id or 0, event_id)
        session.add(state)


@dataclass
class Cursor:
    last_event_id: int


@contextmanager
def indexer_turn() -> Iterator[SearchState | Cursor]:
    """The indexer's cursor, held by one drain or rebuild at a time; moved on success.

    On PostgreSQL its row stays locked (FOR UPDATE) until the cursor moves, so indexers on
    several hosts take turns and none writes an older reading of a record over a newer one.
    SQLite serves one host with one indexer, and there the lock would be the whole
    database's for as long as the index write took, so the cursor is read, then moved in
    a short write of its own.
    """
    if db.engine.dialect.name != "postgresql":
        state = Cursor(start := cursor())
        yield state
        if state.last_event_id != start:
            move_cursor(state.last_event_id)
        return
    locked = db.select(SearchState).filter_by(id=1).with_for_update()
    with transaction(moves_data=False) as session:
        if (state := session.scalar(locked)) is None:  # the first drain ever, maybe on two hosts
            session.execute(postgresql.insert(SearchState).values(id=1, last_event_id=0)
                            .on_conflict_do_nothing(index_elements=["id"]))
            state = session.scalar(locked)
        start = state.last_event_id
        yield state
        if state.last_event_id != start:  # search results changed: cached pages must go
            move_data_version(session)


def drain(batch: int = BATCH) -> int:
    """Apply the events committed since the last drain; the number applied."""
    with indexer_turn() as state:
        query = (db.select(ActivityEvent).where(ActivityEvent.id > state.last_event_id)
                 .order_by(ActivityEvent.id).limit(batch))
        events = list(db.session.scalars(query))
        if not events:
            return 0
        upserts, deletions = changes_for({(e.record_type, e.record_id, e.context_id)
                                          for e in events})
        index().apply(upserts, deletions)
        state.last_event_id = events[-1].id
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
    with indexer_turn() as state:
        head = db.session.scalar(db.select(db.func.max(ActivityEvent.id))) or 0
        count = index().rebuild(every_document(), progress)
        state.last_event_id = max(state.last_event_id, head)
    return count


def drift() -> tuple[set[str], set[str]]:
    """Keys the database has and the index lacks, and keys the index has for nothing."""
    expected = {document.key for document in every_document()}
    indexed = index().keys()
    return expected - indexed, indexed - expected


def work(interval: float = 0.2, stop: Callable[[], bool] = lambda: False) -> None:
    """The indexer: drain, then sleep a moment when there was nothing to do."""
    while not stop():
        try:
            drained = drain()
        except search.Busy:  # a rebuild holds the index; the cursor has not moved, so wait
            current_app.logger.warning("search index busy; retrying", exc_info=True)
            drained = 0
        if not drained:
            db.session.remove()
            time.sleep(interval)
