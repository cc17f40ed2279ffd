"""Engine tuning and the write transaction every service change runs in.

SQLite runs in WAL mode with a busy timeout, and write transactions begin
IMMEDIATE: a deferred transaction that reads and then writes fails at once
with "database is locked" when another writer got there first, because the
busy timeout does not cover the upgrade from reader to writer.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db

WRITE_OPTION = "clearinghouse_write"
# The largest id an integer column holds (PostgreSQL's): a larger one, from a URL, a form or
# the command line, names nothing, and the driver would raise on it rather than find nothing.
MAX_ID = 2**31 - 1


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
def transaction(*, moves_data: bool = True) -> Iterator[Session]:
    """Run one write: begun as a writer, committed on success, rolled back on error.

    It moves the data version, so cached pages are rendered afresh; a transaction that
    only takes a lock says `moves_data=False` and moves it itself if it changes anything."""
    session = db.session()  # the request's Session, not the scoped proxy
    if session.info.get(WRITE_OPTION):
        raise RuntimeError("write transactions do not nest")
    if session.in_transaction():
        session.commit()  # end the read snapshot: a writer starts from the newest data
    session.info[WRITE_OPTION] = True
    try:
        session.connection(execution_options={WRITE_OPTION: True})
        yield session
        if moves_data:
            move_data_version(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(WRITE_OPTION, None)


class DataVersion(db.Model):
    """A number every write transaction moves, and a random stamp with it: what cached pages
    are keyed by. The stamp keeps a restored backup's later versions from ever matching
    pages cached before the restore under the same number."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    stamp: Mapped[str] = mapped_column(String(16), default="", server_default="")


def move_data_version(session: Session) -> None:
    """In the writer's own transaction, so the new version and the change commit together."""
    stamp = secrets.token_hex(8)
    moved = session.execute(db.update(DataVersion).where(DataVersion.id == 1)
                            .values(version=DataVersion.version + 1, stamp=stamp))
    if moved.rowcount == 0:
        session.add(DataVersion(id=1, version=1, stamp=stamp))


def data_version() -> tuple[int, str]:
    """Read on a pooled connection of its own with the driver's plain cursor, not through
    the request's Session: a cached page then costs a fraction as much, and anything the
    request reads later is at least as new."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version, stamp FROM data_version WHERE id = 1")
        row = cursor.fetchone()
        cursor.close()
        connection.commit()  # end the read, so SQLite's snapshot is not held
        return (row[0], row[1]) if row else (0, "")
    finally:
        connection.close()


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """A plain bulk insert: for a few dozen small rows, the ORM's bookkeeping costs more
    than the rows."""
    if rows:
        session.execute(db.insert(table), rows)


def render_item(type_: str, obj, autogen_context):
    """For Alembic autogenerate: UTCDateTime is written as its storage type.

    So no migration imports the app, whose code may change after it.
    """
    from .types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
