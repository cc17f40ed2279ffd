"""The open-data dump: everything public and nothing private, imported into an empty
instance that then exports the very same bytes, and refused when it cannot be trusted."""

import csv
import io
import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse import activity, create_app, opendata
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.exceptions import Conflict, InvalidInput
from clearinghouse.extensions import db
from clearinghouse.feedback import moderation
from clearinghouse.feedback import service as feedback
from clearinghouse.feedback.models import Submission, SubmissionAnswer, SubmissionTerm
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes
from tests.conftest import PASSWORD, POSTGRES_URL, empty_postgres_database
from tests.feedback.conftest import QUESTIONS, SECTIONS

EDITOR = "quiet-editor@example.org"
UNPUBLISHED = "Unpublished remark that only the moderators may read."
WITHDRAWN = "Withdrawn remark that its author took back."
HIDDEN = ("Nadia Hidden", "Hidden Alliance")
WITHOUT_CONSENT = "Ola Unconsenting"
REPORT = "Reported because of a private grudge."
FILES = ["clearinghouse.json", "issues.csv", "processes.csv", "participants.csv",
         "assessments.csv", "consultations.csv", "submissions.csv", "responses.csv",
         "activity.csv", "README.md"]


def feedback_from(**changes) -> dict:
    return {"stakeholder_group": "civil_society", "country": "GH", "name": "Ama Mensah",
            "organisation": "Accra Digital Rights Hub", "on_behalf_of_organisation": True,
            "answers": {"q1": 4, "q2": "skills", "q3": ["a", "c"], "q4": "Cheaper devices."},
            "comments": [{"section": "2", "text": "The findings on affordability are sound."}],
            "comment": "General remarks on spectrum policy.", "consent_to_publish": True,
            **changes}


@pytest.fixture
def dataset(app, runner, make_user) -> dict:
    """The bundled records, and a consultation with feedback in every state and answers;
    returns what must never leave the instance."""
    assert runner.invoke(args=["seed"]).exit_code == 0
    make_user("editor", email=EDITOR)
    now = datetime.now(UTC)
    with app.app_context():
        slug = processes.all_names()[0][0]
        processes.add_steward(slug, EDITOR, SYSTEM)
        consultation = feedback.create_consultation({
            "process": slug, "title": "Draft recommendations", "sections": SECTIONS,
            "questions": QUESTIONS, "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat()}, SYSTEM).id
        published, token = feedback.submit(consultation, feedback_from())
        feedback.submit(consultation, feedback_from(
            name=HIDDEN[0], organisation=HIDDEN[1], anonymous=True, comment="Speak up."))
        feedback.submit(consultation, feedback_from(
            name=WITHOUT_CONSENT, comment=UNPUBLISHED, consent_to_publish=False))
        withdrawn, withdrawn_token = feedback.submit(consultation,
                                                     feedback_from(comment=WITHDRAWN))
        editor = accounts.actor_for(accounts.find_user(EDITOR))
        for answered, theme, actor in ((published.id, None, SYSTEM),
                                       (withdrawn.id, None, SYSTEM), (None, "Cost", editor)):
            feedback.respond(consultation, {"submission_id": answered, "theme": theme,
                                            "text": "Thank you; we agree."}, actor)
        feedback.withdraw(withdrawn_token, {"reason": "I changed my mind entirely."})
        moderation.report(published.id, {"reason": REPORT})
    return {"consultation": consultation,
            "private": [token, withdrawn_token, EDITOR, PASSWORD, UNPUBLISHED, WITHDRAWN,
                        *HIDDEN, WITHOUT_CONSENT, REPORT, "I changed my mind entirely.",
                        "password", "receipt", "token_hash", "fingerprint", "decided_by",
                        "consent_to_publish", "actor_id"]}


@contextmanager
def empty_database(tmp_path):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'imported.sqlite3'}"
        return
    with empty_postgres_database("opendata") as url:
        yield url


@pytest.fixture
def empty_app(tmp_path):
    """A second instance, on its own new database, with the tables and no rows."""
    with empty_database(tmp_path) as uri:
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x"})
        with other.app_context():
            db.create_all()
        yield other
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def export(app, directory, progress=lambda kind, n: None) -> dict:
    with app.app_context():
        return opendata.export(directory, progress)


def files_of(directory) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_dump_holds_every_public_record_in_json_csv_and_a_readme(app, dataset, tmp_path):
    counted = {}
    result = export(app, tmp_path / "a", lambda kind, n: counted.update({kind: n}))
    data = json.loads((tmp_path / "a" / "clearinghouse.json").read_text(encoding="utf-8"))
    with app.app_context():
        assert (result["events"], result["head"]) == activity.head()
    assert sorted(result["files"]) == sorted(FILES) == sorted(files_of(tmp_path / "a"))
    assert data["log"] == {"events": result["events"], "head": result["head"]}
    assert counted == {"issues": 22, "processes": 14, "assessments": len(data["assessments"]),
                       "consultations": 1, "submissions": 2, "responses": 3,
                       "events": result["events"]}
    anonymous = data["submissions"][1]
    assert (anonymous["name"], anonymous["organisation"]) == (None, None)
    assert [r["submission_id"] for r in data["responses"]] == [data["submissions"][0]["id"],
                                                               None, None]
    assert data["responses"][2]["author"] == "quiet-editor"  # the editor, not their e-mail
    assert "actor_id" not in data["activity"][0]
    readme = (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    assert "Open data: reuse freely, citing Clearinghouse" in readme
    assert result["head"] in readme and "verify-log" in readme


def test_a_dump_holds_no_private_field_anywhere(app, dataset, tmp_path):
    export(app, tmp_path / "a")
    for name, content in files_of(tmp_path / "a").items():
        for private in dataset["private"]:
            assert private.encode("utf-8").lower() not in content.lower(), (name, private)


def test_a_dump_imported_into_an_empty_instance_exports_the_same_bytes(
        app, dataset, empty_app, tmp_path):
    exported = export(app, tmp_path / "a")
    with empty_app.app_context():
        loaded = opendata.import_(tmp_path / "a")
    assert (loaded["issues"], loaded["processes"], loaded["submissions"]) == (22, 14, 2)
    export(empty_app, tmp_path / "b")
    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")
    with empty_app.app_context():
        assert activity.verify_log() is None
        assert activity.head() == (exported["events"], exported["head"]) == (
            loaded["events"], loaded["head"])


def test_imported_submissions_are_counted_as_they_were_entered(
        app, dataset, empty_app, tmp_path):
    export(app, tmp_path / "a")
    with empty_app.app_context():
        opendata.import_(tmp_path / "a")

    def counted_rows(instance) -> list[tuple]:
        """The answer and term rows and fingerprints of the published submissions."""
        published = db.select(Submission.id).where(Submission.status == "accepted",
                                                   Submission.consent_to_publish)
        queries = [db.select(*columns).where(columns[0].in_(published)).order_by(*columns)
                   for columns in ((SubmissionAnswer.submission_id, SubmissionAnswer.question_id,
                                    SubmissionAnswer.value),
                                   (SubmissionTerm.submission_id, SubmissionTerm.term),
                                   (Submission.id, Submission.fingerprint))]
        with instance.app_context():
            return [list(db.session.execute(query)) for query in queries]

    assert counted_rows(empty_app) == counted_rows(app)


def test_records_made_after_an_import_get_fresh_ids(app, dataset, empty_app, tmp_path):
    export(app, tmp_path / "a")
    with empty_app.app_context():
        opendata.import_(tmp_path / "a")
        made = issues.create_issue({"title": "Spectrum for community networks",
                                    "category": "internet_governance"}, SYSTEM)
        response = feedback.respond(dataset["consultation"], {"theme": "Spectrum",
                                                              "text": "Noted."}, SYSTEM)
        assert made.id == 23 and response.id == 4
        assert activity.verify_log() is None


def test_importing_into_an_instance_that_holds_records_is_refused_and_writes_nothing(
        app, dataset, tmp_path):
    export(app, tmp_path / "a")
    before = [rows(app, model) for model in (Submission, SubmissionTerm)]
    with app.app_context(), pytest.raises(Conflict, match="only into an empty one"):
        opendata.import_(tmp_path / "a")
    with app.app_context():
        assert activity.verify_log() is None
    assert [rows(app, model) for model in (Submission, SubmissionTerm)] == before
    export(app, tmp_path / "b")
    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")


def change(path, edit) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def unknown_group(data):
    data["processes"][3]["participants"][0]["stakeholder_group"] = "aliens"


def unknown_submitter_group(data):
    data["submissions"][0]["stakeholder_group"] = "aliens"


def retitled_event(data):
    data["activity"][5]["record_title"] = "Something else"


def future_version(data):
    data["version"] = 99


def missing_issue(data):
    del data["issues"][0]


@pytest.mark.parametrize(("edit", "problem"), [
    (unknown_group, r"processes\[3\] \(process '[a-z0-9-]+'\): "
                    r"participants\.0\.stakeholder_group: 'aliens' is not a stakeholder group"),
    (unknown_submitter_group, r"submissions\[0\] \(id \d+\): stakeholder_group: 'aliens'"),
    (retitled_event, r"activity\[5\] \(id 6\): its content does not match its hash"),
    (future_version, r"format version 99 is not one this Clearinghouse reads"),
    (missing_issue, r"issues: '[a-z0-9-]+' is not one of the issues in this file"),
])
def test_a_corrupt_dump_is_refused_naming_the_problem_and_nothing_is_written(
        app, dataset, empty_app, tmp_path, edit, problem):
    export(app, tmp_path / "a")
    change(tmp_path / "a" / "clearinghouse.json", edit)
    with empty_app.app_context(), pytest.raises(InvalidInput, match=problem) as refused:
        opendata.import_(tmp_path / "a")
    assert refused.value.detail.startswith("clearinghouse.json: ")
    assert [rows(empty_app, model) for model in (activity.ActivityEvent, Submission)] == [0, 0]


@pytest.mark.parametrize(("content", "problem"), [
    (b'{"format": "clearinghouse-open-data", "version": 1,', "it is not valid JSON"),
    (b"\xff\xfe{}", "it is not UTF-8"),
    (b"[]", "it is not a Clearinghouse open-data dump"),
    (None, "there is no such file"),
])
def test_a_missing_or_malformed_file_is_refused_naming_the_file(
        empty_app, tmp_path, content, problem):
    if content is not None:
        (tmp_path / "clearinghouse.json").write_bytes(content)
    with empty_app.app_context(), pytest.raises(InvalidInput, match=problem) as refused:
        opendata.import_(tmp_path)
    assert refused.value.detail.startswith("clearinghouse.json: ")


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(app, tmp_path):
    with app.app_context():
        issues.create_issue({"title": '=HYPERLINK("http://example.org")', "category":
                             "internet_governance", "summary": "-2 points", "aspects": ["@home"]},
                            SYSTEM)
    export(app, tmp_path / "a")
    raw = (tmp_path / "a" / "issues.csv").read_bytes()
    assert raw.startswith(b"id,slug,title,") and raw.endswith(b"\r\n")
    [issue] = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    assert issue["title"] == '\'=HYPERLINK("http://example.org")'
    assert issue["summary"] == "'-2 points"
    assert issue["aspects"] == '["@home"]'
    data = json.loads((tmp_path / "a" / "clearinghouse.json").read_text(encoding="utf-8"))
    assert data["issues"][0]["title"] == '=HYPERLINK("http://example.org")'
