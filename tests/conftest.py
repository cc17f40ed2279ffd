"""Fixtures: a fresh app and database per test, on SQLite or on the PostgreSQL under test."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

from clearinghouse import create_app
from clearinghouse.auth import service as accounts
from clearinghouse.extensions import db

POSTGRES_URL = os.environ.get("CLEARINGHOUSE_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


@contextmanager
def empty_postgres_database(purpose: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server under test; dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"clearinghouse_{purpose}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_schema():
    """On PostgreSQL, the tables are made once; each test then empties them."""
    if POSTGRES_URL:
        create_app({"SQLALCHEMY_DATABASE_URI": POSTGRES_URL, "SECRET_KEY": "x"})  # loads models
        engine = create_engine(POSTGRES_URL)
        db.metadata.drop_all(engine)
        db.metadata.create_all(engine)
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def app(tmp_path, postgres_schema):
    uri = postgres_schema or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test"})
    app.instance_path = str(tmp_path / "instance")  # exports and keys stay out of the checkout
    with app.app_context():
        if not postgres_schema:
            db.create_all()
    yield app
    empty(app, postgres_schema)


def empty(app, postgres_schema) -> None:
    """After a test: PostgreSQL's shared tables emptied for the next; connections closed."""
    with app.app_context():
        db.session.remove()
        if postgres_schema:
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a staff account with the given role; returns its e-mail."""

    def make(role: str, email: str | None = None, name: str = "") -> str:
        email = email or f"{role}@example.org"
        with app.app_context():
            accounts.create_user({"email": email, "role": role, "password": PASSWORD, "name": name})
        return email

    return make


@pytest.fixture
def token_for(app, make_user):
    """Authorization headers for a new account with the given role."""

    def headers(role: str) -> dict:
        email = make_user(role, email=f"{role}-api@example.org")
        with app.app_context():
            _token, secret = accounts.create_token(email)
        return {"Authorization": f"Bearer {secret}"}

    return headers


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def login(client, make_user):
    """Sign a new account with the given role in to the test client."""

    def sign_in(role: str) -> str:
        email = make_user(role)
        form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        response = client.post("/login", data=form)
        assert response.status_code == 302
        return email

    return sign_in
