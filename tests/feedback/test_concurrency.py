"""Many people submitting at once to a real server: every one answered, stored and counted.

gunicorn runs three sync workers, each with its own connections, against a database
this test prepares: on SQLite a file whose schema the migrations make, on PostgreSQL
the database under test.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import gunicorn as gunicorn_package
import pytest
from flask_migrate import upgrade

from clearinghouse import ROOT, create_app
from clearinghouse.extensions import db
from clearinghouse.feedback.models import Submission
from tests.conftest import POSTGRES_URL
from tests.feedback.conftest import open_consultation_in

SUBMITTERS = 12
SUBMISSIONS = 120
WORKERS = 3
STARTUP_SECONDS = 15
COUNTRIES = ("GH", "IN", "PL", "BR", "FR")
GROUPS = ("civil_society", "government", "private_sector", "technical_academic")
# From 25.1 gunicorn opens a control socket in ~/.gunicorn, shared by every server of
# the user; a test server has no business taking it.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn_package.version_info >= (25, 1) else []


@pytest.fixture
def served_app(request, tmp_path):
    """An app on the database the server will share, its schema made; and that database."""
    if POSTGRES_URL:  # the suite's tables; the `app` fixture empties them afterwards
        yield request.getfixturevalue("app"), POSTGRES_URL
        return
    uri = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
    yield app, uri
    with app.app_context():
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_json(url: str, body: dict | None = None) -> tuple[int, object]:
    """(status, decoded body) of a GET, or of a POST of `body`; never raises for a status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data,  # noqa: S310 — http://127.0.0.1 only
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8", "replace")


@contextmanager
def gunicorn(database_uri: str, log: Path, ready_path: str):
    """A real server on a free local port, answering `ready_path`; stopped afterwards."""
    base = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "CLEARINGHOUSE_SQLALCHEMY_DATABASE_URI": database_uri,
           "CLEARINGHOUSE_SECRET_KEY": "test",
           "CLEARINGHOUSE_SUBMISSION_RATE_LIMIT": "100000 per minute"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(WORKERS),
               "--worker-class", "sync", "--bind", base.removeprefix("http://"),
               *NO_CONTROL_SOCKET, "wsgi:app"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env,  # noqa: S603 — our own command
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(server, base + ready_path, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_ready(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            if request_json(url)[0] == 200:
                return
        except OSError:  # not listening yet
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def nth(submission: dict, n: int) -> dict:
    """The n-th submitter's feedback: groups and countries vary, and so do the texts."""
    return {**submission, "stakeholder_group": GROUPS[n % len(GROUPS)],
            "country": COUNTRIES[n % len(COUNTRIES)], "comment": f"Remark number {n}.",
            "comments": [], "answers": {"q1": 1 + n % 5, "q2": "cost", "q3": ["a"]}}


def test_many_submitters_at_once_are_all_answered_stored_and_counted(
        served_app, submission, tmp_path):
    app, database_uri = served_app
    consultation_id = open_consultation_in(app)
    path = f"/api/v1/consultations/{consultation_id}"
    with gunicorn(database_uri, tmp_path / "gunicorn.log", f"{path}/summary") as base:
        with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
            answers = list(pool.map(lambda n: request_json(f"{base}{path}/submissions",
                                                           nth(submission, n)),
                                    range(SUBMISSIONS)))
        summary_status, summary = request_json(f"{base}{path}/summary")
    failures = [(status, body) for status, body in answers if status != 201]
    assert failures == [], Counter(str(f) for f in failures).most_common(3)
    acknowledged = {body["id"] for _status, body in answers}
    assert len(acknowledged) == SUBMISSIONS
    with app.app_context():
        stored = set(db.session.scalars(db.select(Submission.id).where(
            Submission.consultation_id == consultation_id)))
    assert stored == acknowledged
    assert summary_status == 200
    assert summary["total"] == len(acknowledged)
    assert summary["questions"]["q1"]["counts"] == dict.fromkeys(("1", "2", "3", "4", "5"),
                                                                 SUBMISSIONS // 5)
