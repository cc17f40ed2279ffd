"""The schema comes only from migrations: they build, on an empty database, what the models say."""

import os
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from clearinghouse import create_app
from clearinghouse.extensions import db
from tests.conftest import POSTGRES_URL


@contextmanager
def empty_postgres_database():
    """A new database on the PostgreSQL server under test, dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"clearinghouse_migrations_{os.getpid()}"
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


@contextmanager
def empty_database(kind, tmp_path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    elif not POSTGRES_URL:
        pytest.skip("set CLEARINGHOUSE_TEST_DATABASE_URL to test migrations on PostgreSQL")
    else:
        with empty_postgres_database() as url:
            yield url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrading_an_empty_database_gives_exactly_the_models_schema(kind, tmp_path):
    with empty_database(kind, tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection),
                                               db.metadata)
            assert differences == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
