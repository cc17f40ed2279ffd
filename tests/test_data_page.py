"""The /data page and the export and import commands a researcher uses."""

import json

from clearinghouse import activity, create_app
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.extensions import db
from clearinghouse.issues import service as issues
from tests.conftest import POSTGRES_URL


def test_the_data_page_shows_the_log_head_and_serves_the_current_dump(client, app, runner):
    runner.invoke(args=["seed"])
    with app.app_context():
        count, head = activity.head()
    page = client.get("/data").get_data(as_text=True)
    assert head in page
    assert f"<dd>{count}</dd>" in page
    with client.get("/data/clearinghouse.json") as dump:
        assert dump.headers["Content-Disposition"].startswith("attachment")
        assert json.loads(dump.data)["log"] == {"events": count, "head": head}
    with app.app_context():
        issues.update_issue("privacy", {"priority": "low"}, SYSTEM)
        new_head = activity.head()[1]
    with client.get("/data/clearinghouse.json") as dump:
        assert json.loads(dump.data)["log"]["head"] == new_head


def test_the_data_page_serves_only_its_own_files(client):
    assert client.get("/data/secret_key").status_code == 404
    assert client.get("/data/..%2Fsecret_key").status_code == 404


def test_export_then_import_into_an_empty_instance_keeps_the_chain(runner, tmp_path):
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["export", str(tmp_path / "dump")])
    assert result.exit_code == 0, result.output
    assert "Exported 36 events" in result.output
    if POSTGRES_URL:
        return  # the round trip on PostgreSQL is tests/test_opendata.py's
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                        "SECRET_KEY": "x", "TESTING": True})
    with fresh.app_context():
        db.create_all()
    imported = fresh.test_cli_runner().invoke(args=["import", str(tmp_path / "dump")])
    assert imported.exit_code == 0, imported.output
    verified = fresh.test_cli_runner().invoke(args=["verify-log"])
    assert "The log of 36 events is intact." in verified.output
    with fresh.app_context():
        db.engine.dispose()


def test_importing_into_a_populated_instance_is_refused_with_a_message(runner, tmp_path):
    runner.invoke(args=["seed"])
    runner.invoke(args=["export", str(tmp_path / "dump")])
    result = runner.invoke(args=["import", str(tmp_path / "dump")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
