"""The schema comes only from migrations: they build, on an empty database, what the models say."""

from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from clearinghouse import create_app
from clearinghouse.extensions import db
from tests.conftest import POSTGRES_URL, empty_postgres_database


@contextmanager
def empty_database(kind, tmp_path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    elif not POSTGRES_URL:
        pytest.skip("set CLEARINGHOUSE_TEST_DATABASE_URL to test migrations on PostgreSQL")
    else:
        with empty_postgres_database("migrations") as url:
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
