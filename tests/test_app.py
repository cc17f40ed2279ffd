"""The app factory, configuration, the SQLite engine, and errors as HTTP."""

import threading

import pytest
from sqlalchemy import event, text

from clearinghouse import create_app
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.config import instance_secret_key
from clearinghouse.database import transaction
from clearinghouse.extensions import db
from clearinghouse.issues import service
from clearinghouse.issues.models import Issue
from tests.conftest import POSTGRES_URL

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite engine behaviour")


def test_database_url_from_the_environment_is_used_with_psycopg(monkeypatch, tmp_path):
    monkeypatch.delenv("CLEARINGHOUSE_SQLALCHEMY_DATABASE_URI", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/ch")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/ch"


def test_prefixed_environment_settings_override_the_defaults(monkeypatch):
    monkeypatch.setenv("CLEARINGHOUSE_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("CLEARINGHOUSE_SQLALCHEMY_DATABASE_URI", "sqlite://")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["MAX_CONTENT_LENGTH"] == 2048


def test_the_instance_secret_key_is_made_once_and_kept(tmp_path):
    first = instance_secret_key(tmp_path)
    assert len(first) == 64
    assert instance_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@sqlite_only
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@sqlite_only
def test_write_transactions_begin_immediate_and_reads_do_not(app):
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        db.session.scalar(db.select(Issue.id))
        db.session.commit()
        with transaction() as session:
            session.scalar(db.select(Issue.id))
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]


def test_concurrent_read_then_write_transactions_all_succeed(app):
    """Four writers each read (the slug check) then write: none may fail as locked."""
    failures = []

    def writer(number):
        with app.app_context():
            for attempt in range(15):
                try:
                    service.create_issue({"title": f"Issue {number}-{attempt}",
                                          "category": "development"}, SYSTEM)
                except Exception as error:  # counted: the test fails on any
                    failures.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Issue)) == 60


def test_write_transactions_do_not_nest(app):
    with app.app_context(), transaction(), pytest.raises(RuntimeError), transaction():
        pass


def test_unknown_api_paths_answer_problem_json_and_pages_answer_html(client):
    api = client.get("/api/v1/nothing")
    assert (api.status_code, api.content_type) == (404, "application/problem+json")
    page = client.get("/nothing")
    assert page.status_code == 404
    assert page.content_type.startswith("text/html")


def test_a_wrong_method_is_a_405_that_lists_the_allowed_ones(client):
    response = client.delete("/api/v1/issues")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.json["status"] == 405


def test_pages_have_a_language_a_skip_link_and_landmarks(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert '<a class="skip-link" href="#main">' in page
    for landmark in ('<header', '<nav aria-label="Main">', '<main id="main"', "<footer"):
        assert landmark in page
    assert "<script" not in page


@pytest.mark.parametrize(("path", "content_type"), [("/api/v1/boom", "application/problem+json"),
                                                    ("/boom", "text/html; charset=utf-8")])
def test_a_server_error_shows_no_exception_text(tmp_path, path, content_type):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "SECRET_KEY": "x", "PROPAGATE_EXCEPTIONS": False})

    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule(path, view_func=boom)
    response = app.test_client().get(path)
    assert (response.status_code, response.content_type) == (500, content_type)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Something went wrong on our side" in response.get_data(as_text=True)
