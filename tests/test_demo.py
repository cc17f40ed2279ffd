"""Synthetic data for benchmarks: realistic, reproducible, and seen by every page like real data."""

import pytest

from clearinghouse import activity, demo
from clearinghouse.exceptions import Conflict
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.feedback.models import Consultation, Submission
from clearinghouse.issues.models import Issue
from clearinghouse.processes.models import Assessment, Process

SMALL = {"issues": 5, "processes": 20, "consultations": 3, "submissions": 200}


def made(app, seed: int = 7) -> dict:
    with app.app_context():
        return demo.generate(**SMALL, seed=seed)


def titles(app) -> list[str]:
    with app.app_context():
        query = db.select(Process.name).order_by(Process.slug)
        return list(db.session.scalars(query))


def test_demo_makes_the_asked_numbers_of_records_each_assessed(app):
    made(app)
    with app.app_context():
        def count(model):
            return db.session.scalar(db.select(db.func.count()).select_from(model))
        assert [count(m) for m in (Issue, Process, Consultation, Submission)] == [5, 20, 3, 200]
        assert count(Assessment) == 20
        assert db.session.scalar(db.select(db.func.count()).where(Process.verdict.is_(None))
                                 .select_from(Process)) == 0


def test_demo_records_use_every_kind_of_decision_rule(app):
    made(app)
    with app.app_context():
        rules = {rule["kind"] for rule in db.session.scalars(db.select(Process.decision_rule))}
    assert rules == {"consensus", "rough_consensus", "unilateral", "vote"}


def test_the_same_seed_gives_the_same_records(app, tmp_path):
    made(app, seed=3)
    first = titles(app)
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    made(app, seed=3)
    assert titles(app) == first


def test_demo_events_keep_the_activity_log_chain_intact(app):
    made(app)
    with app.app_context():
        assert activity.verify_log() is None
        published = db.session.scalar(db.select(db.func.count()).select_from(Submission)
                                      .where(Submission.status == "accepted",
                                             Submission.consent_to_publish))
        events = db.session.scalar(db.select(db.func.count()).select_from(activity.ActivityEvent))
    assert events == 5 + 20 + 3 + published


def test_demo_feedback_is_summarised_like_real_feedback(app):
    made(app)
    with app.app_context():
        consultation_id = db.session.scalar(db.select(Consultation.id).limit(1))
        summary = feedback.summary(consultation_id, {})
        counted = db.session.scalar(
            db.select(db.func.count()).select_from(Submission)
            .where(Submission.consultation_id == consultation_id,
                   Submission.status == "accepted"))
    assert summary["total"] == counted
    assert sum(summary["by_stakeholder_group"].values()) == counted


def test_demo_pages_render(app, client):
    made(app)
    with app.app_context():
        slug = db.session.scalar(db.select(Process.slug).limit(1))
        consultation_id = db.session.scalar(db.select(Consultation.id).limit(1))
    for url in ("/", "/processes", f"/processes/{slug}", f"/consultations/{consultation_id}",
                "/issues/demo-issue-1", "/gaps"):
        assert client.get(url).status_code == 200, url


def test_demo_refuses_a_database_that_already_has_demo_data(app):
    made(app)
    with app.app_context(), pytest.raises(Conflict, match="already holds demo data"):
        demo.generate(**SMALL, seed=7)


def test_demo_command_reports_what_it_made(runner):
    result = runner.invoke(args=["demo", "--issues", "2", "--processes", "4",
                                 "--submissions", "10", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Made 2 issues, 4 processes, 1 consultations, 10 submissions" in result.output


@pytest.mark.parametrize("args", [["--issues", "-1"], ["--processes", "ten"],
                                  ["--issues", "0", "--processes", "3"]])
def test_demo_command_refuses_bad_numbers_without_a_traceback(runner, args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "Error" in result.output
