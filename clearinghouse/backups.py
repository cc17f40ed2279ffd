"""Backups of the embedded SQLite database, taken while the site goes on writing; on
PostgreSQL, the pg_dump command to run instead (docs/backups.md)."""

import os
import shlex
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL

from . import chain


class Refused(Exception):
    """A backup that cannot or must not be made, with what to do instead."""


def backup(url: URL, path: Path, *, force: bool = False) -> tuple[Path, Path, tuple, str]:
    """Copy the database at `url` to `path`: the source, the target, the counts of FIGURES
    in the copy and its log head."""
    source, target = sqlite_file(url, path), path.absolute()
    if is_database(target, source):
        raise Refused(f"{path} is the database itself; back up to another file.")
    if target.exists() and not force:
        raise Refused(f"{path} exists already; give --force to replace it.")
    counts, head = copy_database(source, target, force)
    return source, target, counts, head


SIDECARS = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a database
# What a backup reports of its copy, for a person to compare with the site.
FIGURES = ("issues", "processes", "consultations", "submissions", "events")
FIGURES_SQL = """SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM processes),
    (SELECT count(*) FROM consultations), (SELECT count(*) FROM submissions),
    (SELECT count(*) FROM activity), (SELECT hash FROM activity ORDER BY id DESC LIMIT 1)"""


def sqlite_file(url: URL, path: Path) -> Path:
    """The database file to copy; any other database is refused with what to do instead."""
    if url.get_backend_name() == "postgresql":
        raise Refused(pg_dump_advice(url, path))
    if url.get_backend_name() != "sqlite":
        raise Refused(f"backup copies SQLite databases, not {url.get_backend_name()}"
                                   "; use the database's own tool.")
    if url.database in (None, "", ":memory:"):
        raise Refused("The database is in memory: there is no file to back up.")
    source = Path(url.database).absolute()
    if not source.is_file():
        raise Refused(f"There is no database at {source}: nothing to back up.")
    return source


def pg_dump_advice(url: URL, path: Path) -> str:
    """The pg_dump command for this database; the password stays out of the terminal."""
    libpq = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)  # no driver, no password
    command = shlex.join(["pg_dump", "-Fc", "-f", str(path),
                          libpq.render_as_string(hide_password=False)])
    password = "pg_dump reads the password from PGPASSWORD or ~/.pgpass.\n" if url.password else ""
    return ("The database is PostgreSQL: back it up with pg_dump, which takes a consistent "
            f"snapshot while the site runs:\n\n    {command}\n\n{password}"
            "docs/backups.md says how to restore it.")


def is_database(target: Path, source: Path) -> bool:
    """PATH naming the live database or a file beside it would replace it under the site."""
    own = {source.resolve(), *(source.resolve().with_name(source.name + s) for s in SIDECARS)}
    return target.resolve() in own or (target.exists() and target.samefile(source))


def copy_database(source: Path, target: Path, force: bool) -> tuple[tuple, str]:
    """Copy into a draft beside PATH and rename it only when whole, checked and on disk:
    PATH never holds half a backup."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".partial")
        os.close(handle)
    except OSError as error:
        raise Refused(
            f"Cannot write the backup to {target}: {error.strerror}.") from None
    draft = Path(name)
    try:
        figures = snapshot(source, draft)
        settle(draft, target, force)
        return figures[:-1], figures[-1] or chain.GENESIS
    except sqlite3.Error as error:
        raise Refused(f"The backup failed, and {target} is untouched: {error}."
                                   ) from None
    except OSError as error:
        raise Refused(
            f"Cannot write the backup to {target}: {error.strerror}.") from None
    finally:
        for leftover in (draft, *(draft.with_name(draft.name + s) for s in SIDECARS)):
            leftover.unlink(missing_ok=True)


def snapshot(source: Path, draft: Path) -> tuple:
    """One backup step reads one snapshot while WAL writers go on (copying in several steps
    would start again whenever one commits); then the copy is checked and counted."""
    timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
    live = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=timeout)
    with closing(live), closing(sqlite3.connect(draft)) as copy:
        live.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("the copy fails its integrity check: "
                                        + "; ".join(problems[:3]))
        return copy.execute(FIGURES_SQL).fetchone()


def settle(draft: Path, target: Path, force: bool) -> None:
    """Make the draft durable, then give it PATH's name in one step."""
    durable(draft)
    if force:
        os.replace(draft, target)
    else:
        try:
            os.link(draft, target)  # atomic, and never replaces a file made meanwhile
        except FileExistsError:
            raise Refused(
                f"{target} appeared while the backup ran; give --force to replace it.") from None
    durable(target.parent)  # the new name, too, survives a crash


def durable(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
