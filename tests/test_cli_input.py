"""Every command refuses bad arguments with a message a person can act on and a non-zero
exit status, never a traceback; and a refused command changes nothing."""

import os
import shlex

import pytest
from argon2 import PasswordHasher

from clearinghouse import create_app
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.processes import service as processes
from tests.conftest import PASSWORD, POSTGRES_URL

HUGE = str(10**30)
EMAIL = "admin@example.org"

# (arguments, standard input, exit status, what the message says)
BAD = {
    "no subcommand": (["users", "frobnicate"], None, 2, "No such command 'frobnicate'"),
    "an address that is not one": (["users", "create", "not-an-address", "--role", "admin",
                                    "--password-stdin"], PASSWORD, 1,
                                   "email: Not a valid email address."),
    "a short password": (["users", "create", "new@example.org", "--role", "admin",
                          "--password-stdin"], "short", 1, "at least 12 characters"),
    "an empty password": (["users", "create", "new@example.org", "--role", "admin",
                           "--password-stdin"], "", 1, "at least 12 characters"),
    "a name too long": (["users", "create", "new@example.org", "--role", "admin",
                         "--name", "x" * 201, "--password-stdin"], PASSWORD, 1,
                        "name: Use at most 200 characters."),
    "a control character in the name": (["users", "create", "new@example.org", "--role",
                                         "admin", "--name", "a\x07b", "--password-stdin"],
                                        PASSWORD, 1, "Remove the control characters"),
    "a password that is not UTF-8": (["users", "create", "new@example.org", "--role", "admin",
                                      "--password-stdin"], b"\xff\xfe horse battery", 1,
                                     "The password on standard input is not UTF-8."),
    "an unknown role": (["users", "create", "new@example.org", "--role", "owner"], None, 2,
                        "'owner' is not one of"),
    "no role": (["users", "create", "new@example.org"], None, 2, "Missing option '--role'"),
    "disabling no one": (["users", "disable", "nobody@example.org"], None, 1,
                         "There is no account for nobody@example.org."),
    "enabling no one": (["users", "enable", "nobody@example.org"], None, 1,
                        "There is no account for nobody@example.org."),
    "a steward of no process": (["users", "steward", EMAIL, "no-such-process"], None, 1,
                                "There is no process 'no-such-process'."),
    "an admin as steward": (["users", "steward", EMAIL, "igf"], None, 1,
                            "only editors steward processes"),
    "a token for no one": (["tokens", "create", "nobody@example.org"], None, 1,
                           "There is no account for nobody@example.org."),
    "revoking a word": (["tokens", "revoke", "first"], None, 2,
                        "'first' is not a valid integer"),
    "revoking no token": (["tokens", "revoke", "999"], None, 1, "There is no token 999."),
    "revoking a number past any id": (["tokens", "revoke", HUGE], None, 1,
                                      f"There is no token {HUGE}."),
    "revoking a negative number": (["tokens", "revoke", "--", "-3"], None, 1,
                                   "There is no token -3."),
    "checking no process": (["check-principles", "no-such-process"], None, 1,
                            "There is no process 'no-such-process'."),
    "exporting into a file": (["export", "{file}"], None, 2, "is a file"),
    "exporting where nothing may be written": (["export", "{file}/dump"], None, 1,
                                               "Cannot write the export to"),
    "importing from nowhere": (["import", "{tmp}/nowhere"], None, 2, "does not exist"),
    "importing a folder with no dump": (["import", "{tmp}"], None, 1,
                                        "clearinghouse.json: there is no such file"),
    "importing a dump that is not JSON": (["import", "{bad}"], None, 1,
                                          "clearinghouse.json: it is not valid JSON"),
    "a worker polling at no interval": (["search", "worker", "--interval", "0"], None, 2,
                                        "--interval"),
    "a worker polling at a negative interval": (["search", "worker", "--interval", "-1"],
                                                None, 2, "--interval"),
    "a worker polling at a word": (["search", "worker", "--interval", "often"], None, 2,
                                   "'often' is not a valid float"),
    "a worker polling once an age": (["search", "worker", "--interval", "1e300"], None, 2,
                                     "--interval"),
    "backing up to nowhere": (["backup"], None, 2, "Missing argument 'PATH'"),
    "backing up into a folder's name": (["backup", "{tmp}"], None, 2, "is a directory"),
}

# Refused by the SQLite backup; on PostgreSQL `backup` only prints the pg_dump command.
BAD_BACKUPS = {
    "backing up over a file": (["backup", "{file}"],
                               "a-file exists already; give --force to replace it."),
    "backing up into a folder that is not there": (["backup", "{tmp}/nowhere/copy.sqlite3"],
                                                   "No such file or directory"),
    "backing up inside a file": (["backup", "{file}/copy.sqlite3"], "Not a directory"),
    "backing up over the database itself": (["backup", "{tmp}/test.sqlite3", "--force"],
                                            "is the database itself"),
    "backing up over the database's log": (["backup", "{tmp}/test.sqlite3-wal", "--force"],
                                           "is the database itself"),
}
# Databases `backup` cannot copy, each with what it says instead.
OTHER_DATABASES = {
    "on PostgreSQL": ("postgresql+psycopg://ch:secret@db.example:5433/clearinghouse",
                      "pg_dump -Fc -f {copy} postgresql://ch@db.example:5433/clearinghouse"),
    "in memory": ("sqlite://", "The database is in memory: there is no file to back up."),
    "that is not there": ("sqlite:///{tmp}/none.sqlite3",
                          "There is no database at {tmp}/none.sqlite3: nothing to back up."),
}


@pytest.fixture
def app(app, monkeypatch):
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    return app


@pytest.fixture
def places(tmp_path) -> dict:
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "clearinghouse.json").write_bytes(b"{not json")
    return {"file": tmp_path / "a-file", "tmp": tmp_path, "bad": tmp_path / "bad"}


def line(stdin: str | bytes | None) -> str | bytes | None:
    """What is typed on standard input, ended as a line."""
    if stdin is None:
        return None
    return stdin + (b"\n" if isinstance(stdin, bytes) else "\n")


@pytest.mark.parametrize(("args", "stdin", "status", "message"), BAD.values(), ids=BAD.keys())
def test_a_bad_argument_is_refused_with_a_message_and_no_traceback(app, runner, places, args,
                                                                   stdin, status, message):
    with app.app_context():
        accounts.create_user({"email": EMAIL, "role": "admin", "password": PASSWORD})
        processes.create_process({"slug": "igf", "name": "Internet Governance Forum"}, SYSTEM)
    args = [arg.format(**places) for arg in args]
    result = runner.invoke(args=args, input=line(stdin))
    assert isinstance(result.exception, SystemExit), result.exception  # handled, not raised
    assert (result.exit_code, message in result.output) == (status, True), result.output
    assert "Traceback" not in result.output


def test_a_refused_account_is_not_created(app, runner):
    runner.invoke(args=["users", "create", "new@example.org", "--role", "admin",
                        "--password-stdin"], input="short\n")
    with app.app_context():
        assert accounts.user_by_email("new@example.org") is None


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite backup command")
@pytest.mark.parametrize(("args", "message"), BAD_BACKUPS.values(), ids=BAD_BACKUPS.keys())
def test_a_bad_backup_path_is_refused_and_changes_nothing(app, runner, places, args, message):
    before = sorted(os.listdir(places["tmp"]))
    result = runner.invoke(args=[arg.format(**places) for arg in args])
    assert isinstance(result.exception, SystemExit), result.exception
    assert (result.exit_code, message in result.output) == (1, True), result.output
    assert "Traceback" not in result.output
    assert sorted(os.listdir(places["tmp"])) == before
    assert places["file"].read_text() == "not a folder"


@pytest.mark.parametrize(("uri", "message"), OTHER_DATABASES.values(), ids=OTHER_DATABASES.keys())
def test_backup_of_a_database_it_cannot_copy_says_what_to_do(tmp_path, uri, message):
    copy = tmp_path / "copy"
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": uri.format(tmp=tmp_path)})
    result = app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert result.exit_code == 1, result.output
    assert message.format(tmp=tmp_path, copy=shlex.quote(str(copy))) in result.output
    assert "secret" not in result.output  # a password is never printed
    assert not copy.exists()
