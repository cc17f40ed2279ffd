"""Engine tuning and the write transaction every service change runs in.

SQLite runs in WAL mode with a busy timeout, and write transactions begin
IMMEDIATE: a deferred transaction that reads and then writes fails at once
with "database is locked" when another writer got there first, because the
busy timeout does not cover the upgrade from reader to writer.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

WRITE_OPTION = "clearinghouse_write"


def init_app(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writing = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextmanager
def transaction() -> Iterator[Session]:
    """Run one write: begun as a writer, committed on success, rolled back on error."""
    session = db.session()  # the request's Session, not the scoped proxy
    if session.info.get(WRITE_OPTION):
        raise RuntimeError("write transactions do not nest")
    if session.in_transaction():
        session.commit()  # end the read snapshot: a writer starts from the newest data
    session.info[WRITE_OPTION] = True
    try:
        session.connection(execution_options={WRITE_OPTION: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(WRITE_OPTION, None)


def render_item(type_: str, obj, autogen_context):
    """For Alembic autogenerate: UTCDateTime is written as its storage type.

    So no migration imports the app, whose code may change after it.
    """
    from .types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
