"""A backup taken while people submit feedback restores whole: every submission acknowledged
before it began is there, none is there in part, the tallies equal a recount and the
activity log verifies. On SQLite through `flask backup`; on PostgreSQL through pg_dump and
pg_restore, as docs/backups.md says."""

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest
from sqlalchemy import make_url

from clearinghouse import backups, create_app
from clearinghouse.activity import ActivityEvent
from clearinghouse.database import transaction
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.feedback import tallies
from clearinghouse.feedback.models import Submission, SubmissionAnswer, SubmissionTerm
from tests.conftest import POSTGRES_URL, empty_postgres_database
from tests.feedback.conftest import QUESTIONS, open_consultation_in

WRITERS = 4
BEFORE = 24  # submissions acknowledged before the backup begins
AFTER = 12  # and after it ends, so the writers write all through it
PATIENCE = 20  # seconds to wait for the writers before the test fails
HELD = "Held half-written while the backup runs: spectrum for community networks."
CAMPAIGN = "We ask that community networks get spectrum at no cost in every region."
GROUPS = ("civil_society", "government", "private_sector", "technical_academic")
COUNTRIES = ("GH", "IN", "PL", "BR", "FR")

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite backup command")
postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="set CLEARINGHOUSE_TEST_DATABASE_URL "
                                   "to test pg_dump and pg_restore")


@pytest.fixture
def consultation(app) -> int:
    return open_consultation_in(app)


def nth(n: int) -> dict:
    """The n-th feedback: groups, countries, answers and consent vary; some is a campaign."""
    return {"stakeholder_group": GROUPS[n % 4], "country": COUNTRIES[n % 5],
            "anonymous": n % 2 == 0, "name": f"Submitter {n}", "language": "en",
            "consent_to_publish": n % 3 != 0,
            "answers": {"q1": 1 + n % 5, "q2": ("cost", "skills", "content")[n % 3],
                        "q3": ["a", "c"][: 1 + n % 2], "q4": f"Cheaper devices, {n} times."},
            "comments": [{"section": "2", "text": f"Finding {n} on affordability is sound."}],
            "comment": CAMPAIGN if n % 4 == 0 else f"Remark {n} on rural access."}


@contextmanager
def writers(app, consultation_id: int) -> Iterator[list[int]]:
    """Threads submitting through the service until the block ends; yields the ids of the
    acknowledged submissions, each noted when `submit` returns, after its commit."""
    acknowledged, failures, stop = [], [], threading.Event()

    def write(number: int) -> None:
        with app.app_context():
            for n in range(number, 10**6, WRITERS):
                if stop.is_set():
                    return
                try:
                    acknowledged.append(feedback.submit(consultation_id, nth(n))[0].id)
                except Exception as error:  # reported below: the test fails on any
                    failures.append(error)
                    return

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        yield acknowledged
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []


def wait_for(acknowledged: list, count: int) -> None:
    deadline = time.monotonic() + PATIENCE
    while len(acknowledged) < count:
        assert time.monotonic() < deadline, f"only {len(acknowledged)} of {count} submitted"
        time.sleep(0.01)


@contextmanager
def one_submission_half_written(app, consultation_id: int, monkeypatch) -> Iterator[dict]:
    """A submission whose transaction holds its row, answers and terms, not yet its tallies,
    uncommitted while the block runs; committed after it. Yields {"id": ...} once known."""
    halfway, release, held = threading.Event(), threading.Event(), {}
    add = tallies.add

    def add_after_the_backup(session, submission, pairs, delta):
        if submission.comment == HELD:
            halfway.set()
            release.wait(PATIENCE)
        add(session, submission, pairs, delta)

    def write() -> None:
        with app.app_context():
            held["id"] = feedback.submit(consultation_id, {**nth(1), "comment": HELD})[0].id

    monkeypatch.setattr(tallies, "add", add_after_the_backup)
    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert halfway.wait(PATIENCE), "the held submission never reached its tallies"
        yield held
    finally:
        release.set()
        thread.join()
    assert "id" in held, "the held submission failed"


def submission_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Submission))


def backup_under_load(app, consultation_id: int, monkeypatch, take_backup) -> dict:
    """With writers running and one submission half-written, take the backup; then say what
    it returned, what was acknowledged before it, and how many submissions there were
    before and after it."""
    with writers(app, consultation_id) as acknowledged:
        wait_for(acknowledged, BEFORE)
        with one_submission_half_written(app, consultation_id, monkeypatch) as held:
            before_ids, before = set(acknowledged), submission_count(app)
            taken = take_backup()
            after = submission_count(app)
        wait_for(acknowledged, len(acknowledged) + AFTER)
    return {"backup": taken, "acknowledged_before": before_ids, "before": before,
            "after": after, "held": held["id"], "acknowledged": {*acknowledged, held["id"]}}


def restored_app(uri: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test"})


def assert_restores_whole(restored, facts: dict) -> None:
    result = restored.test_cli_runner().invoke(args=["verify-log"])
    assert (result.exit_code, "is intact" in result.output) == (0, True), result.output
    with restored.app_context():
        ids = set(db.session.scalars(db.select(Submission.id)))
        assert facts["before"] <= len(ids) <= facts["after"]
        assert facts["acknowledged_before"] <= ids  # nothing acknowledged is lost
        assert ids <= facts["acknowledged"]  # nothing unacknowledged appears
        assert facts["held"] not in ids  # uncommitted at the backup: not there, not in part
        for submission in db.session.scalars(db.select(Submission)):
            assert_whole(submission)
        assert_published_ones_are_logged(ids)
        assert_tallies_equal_a_recount(ids)


def assert_whole(submission: Submission) -> None:
    """Its answer and term rows are exactly those `submit` writes for it."""
    kinds = {question["id"]: question["kind"] for question in QUESTIONS}
    texts = [submission.comment, *(c["text"] for c in submission.comments)]
    texts += [value for qid, value in submission.answers.items() if kinds[qid] == "text"]
    answers, terms = feedback.summary_rows(submission.id, submission.answers, kinds, texts)
    stored_answers = db.session.execute(
        db.select(SubmissionAnswer.question_id, SubmissionAnswer.value)
        .where(SubmissionAnswer.submission_id == submission.id)).all()
    stored_terms = db.session.scalars(
        db.select(SubmissionTerm.term).where(SubmissionTerm.submission_id == submission.id))
    assert Counter(map(tuple, stored_answers)) == Counter(
        (row["question_id"], row["value"]) for row in answers), submission.id
    assert sorted(stored_terms) == [row["term"] for row in terms], submission.id


def assert_published_ones_are_logged(ids: set[int]) -> None:
    published = set(db.session.scalars(db.select(Submission.id).where(
        Submission.status == "accepted", Submission.consent_to_publish.is_(True))))
    logged = set(db.session.scalars(db.select(ActivityEvent.record_id).where(
        ActivityEvent.record_type == "submission", ActivityEvent.action == "published")))
    assert published and logged == published
    assert published < ids  # some submitters did not consent: kept and counted, not shown


def assert_tallies_equal_a_recount(ids: set[int]) -> None:
    def counts() -> dict:
        rows = db.session.scalars(db.select(tallies.Tally))
        return {(t.consultation_id, t.kind, t.key, t.stakeholder_group, t.region): t.count
                for t in rows if t.count}

    kept = counts()
    consultations = set(db.session.scalars(db.select(Submission.consultation_id)))
    with transaction() as session:
        tallies.recount(session, consultations)
    assert counts() == kept
    assert sum(n for key, n in kept.items() if key[1] == "all") == len(ids)


@sqlite_only
def test_a_sqlite_backup_taken_while_people_submit_restores_whole(app, runner, consultation,
                                                                 monkeypatch, tmp_path):
    copy = tmp_path / "backups" / "clearinghouse.sqlite3"
    copy.parent.mkdir()
    facts = backup_under_load(app, consultation, monkeypatch,
                              lambda: runner.invoke(args=["backup", str(copy)]))
    result = facts["backup"]
    assert result.exit_code == 0, result.output
    assert os.listdir(copy.parent) == [copy.name]  # one file: no draft, no -wal beside it
    live = tmp_path / "restored" / "clearinghouse.sqlite3"  # the restore: copy into place
    live.parent.mkdir()
    shutil.copyfile(copy, live)
    restored = restored_app(f"sqlite:///{live}")
    try:
        assert_restores_whole(restored, facts)
        with restored.app_context():
            count = db.session.scalar(db.select(db.func.count()).select_from(Submission))
    finally:
        with restored.app_context():
            db.engine.dispose()
    assert f"{count} submissions" in result.output
    assert submission_count(app) == len(facts["acknowledged"])  # the live site lost nothing


def libpq(url: str) -> str:
    """A SQLAlchemy URL as pg_dump and pg_restore take it: without the driver."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run(*command: str) -> None:
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60,  # noqa: S603
                              check=False)
    assert finished.returncode == 0, finished.stderr


@postgres_only
def test_a_postgresql_dump_taken_while_people_submit_restores_whole(app, consultation,
                                                                   monkeypatch, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not on PATH (Debian: apt install "
                    "postgresql-client)")
    dump = tmp_path / "clearinghouse.dump"
    facts = backup_under_load(app, consultation, monkeypatch,
                              lambda: run("pg_dump", "-Fc", "-f", str(dump), libpq(POSTGRES_URL)))
    with empty_postgres_database("restored") as uri:
        run("pg_restore", "--no-owner", "--single-transaction", "-d", libpq(uri), str(dump))
        restored = restored_app(uri)
        try:
            assert_restores_whole(restored, facts)
        finally:
            with restored.app_context():
                db.session.remove()
                db.engine.dispose()
    assert submission_count(app) == len(facts["acknowledged"])


@sqlite_only
def test_backup_replaces_an_older_backup_only_when_forced(app, runner, tmp_path):
    copy = tmp_path / "backup.sqlite3"
    copy.write_text("an older backup")
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 1
    assert copy.read_text() == "an older backup"
    result = runner.invoke(args=["backup", str(copy), "--force"])
    assert result.exit_code == 0, result.output
    assert "0 submissions, 0 events. Log head: " + "0" * 64 in result.output
    assert copy.stat().st_mode & 0o077 == 0  # it holds what the site never shows
    with closing(sqlite3.connect(copy)) as connection:  # one file: no -wal beside it
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@sqlite_only
def test_a_backup_that_fails_leaves_nothing_behind(app, runner, tmp_path, monkeypatch):
    def full(_source, draft):
        draft.write_bytes(b"half a database")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "snapshot", full)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["backup", str(folder / "copy.sqlite3")])
    assert result.exit_code == 1
    assert "The backup failed" in result.output and "database or disk is full" in result.output
    assert "Traceback" not in result.output
    assert os.listdir(folder) == []
