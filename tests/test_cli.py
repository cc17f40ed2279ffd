"""The command line: accounts, tokens and the idempotent seed."""

import json

from clearinghouse import activity, seed
from clearinghouse.extensions import db
from clearinghouse.issues.models import Issue
from clearinghouse.processes.models import Process
from tests.conftest import PASSWORD


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def create_admin(runner, email="admin@example.org"):
    return runner.invoke(args=["users", "create", email, "--role", "admin", "--password-stdin"],
                         input=PASSWORD + "\n")


def test_users_create_reads_the_password_from_stdin(runner):
    result = create_admin(runner)
    assert result.exit_code == 0, result.output
    assert "Created admin account admin@example.org." in result.output


def test_users_create_refuses_a_duplicate_with_a_message_not_a_traceback(runner):
    create_admin(runner)
    result = create_admin(runner)
    assert result.exit_code == 1
    assert "There is already an account for admin@example.org." in result.output
    assert "Traceback" not in result.output


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--role", "owner",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert "'owner' is not one of 'admin', 'editor', 'moderator'" in result.output


def test_tokens_create_prints_a_working_token_as_its_last_line(runner, client):
    create_admin(runner)
    result = runner.invoke(args=["tokens", "create", "admin@example.org"])
    assert result.exit_code == 0
    secret = result.output.strip().splitlines()[-1]
    response = client.post("/api/v1/issues", json={"title": "Spam", "category": "development"},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201


def test_tokens_revoke_takes_the_number_tokens_create_printed(runner, client):
    create_admin(runner)
    output = runner.invoke(args=["tokens", "create", "admin@example.org"]).output
    number, secret = output.split()[1], output.strip().splitlines()[-1]
    assert runner.invoke(args=["tokens", "revoke", number]).exit_code == 0
    response = client.get("/api/v1/issues", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_tokens_for_an_unknown_account_or_token_fail_with_a_message(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@example.org"])
    assert (result.exit_code, "There is no account" in result.output) == (1, True)
    result = runner.invoke(args=["tokens", "revoke", "seven"])
    assert result.exit_code == 2


def test_seed_loads_every_bundled_issue_with_progress(runner, app):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    bundled = len(seed.records("issues", seed.FILES["issues"]))
    assert f"Seeded {bundled} issues." in result.output
    assert count(app, Issue) == bundled >= 18
    processes = len(seed.records("processes", seed.FILES["processes"]))
    assert f"Seeded {processes} processes." in result.output
    assert count(app, Process) == processes >= 10


def test_seeding_twice_changes_nothing(runner, app):
    runner.invoke(args=["seed"])
    events = count(app, activity.ActivityEvent)
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert count(app, activity.ActivityEvent) == events


def test_a_bad_bundled_record_stops_the_seed_naming_its_file_and_line(runner, tmp_path,
                                                                      monkeypatch):
    bad = tmp_path / "issues.json"
    records = [{"slug": "good", "title": "Good", "category": "development"},
               {"slug": "bad", "title": "Bad", "category": "economics"}]
    bad.write_text(json.dumps({"issues": records}, indent=2))
    monkeypatch.setitem(seed.FILES, "issues", bad)
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 1
    assert "issues.json, line 9 (issue 'bad'): category: 'economics'" in result.output


def test_users_steward_lets_an_editor_keep_a_process(runner, app, make_user):
    make_user("editor", email="ed@example.org")
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["users", "steward", "ed@example.org", "igf"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["users", "steward", "nobody@example.org", "igf"])
    assert (refused.exit_code, "There is no account" in refused.output) == (1, True)
