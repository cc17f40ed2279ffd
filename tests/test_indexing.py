"""The index follows the database: changes after their commit, in order, from the log.

Every test runs on each search backend: Whoosh, and PostgreSQL when the suite runs on it.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse import indexing
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["whoosh", "postgres"])
def app(request, app):
    if request.param == "postgres" and not POSTGRES_URL:
        pytest.skip("set CLEARINGHOUSE_TEST_DATABASE_URL to test the PostgreSQL backend")
    app.config["SEARCH_BACKEND"] = request.param
    return app


def keys(app) -> set[str]:
    with app.app_context():
        return indexing.index().keys()


@pytest.fixture
def consultation(app):
    now = datetime.now(UTC)
    with app.app_context():
        issues.create_issue({"title": "Jurisdiction", "category": "internet_governance"}, SYSTEM)
        processes.create_process({"name": "Policy network", "issues": ["jurisdiction"],
                                  "stage": "deliberation",
                                  "participants": [{"stakeholder_group": "government",
                                                    "country": "BR"}]}, SYSTEM)
        return feedback.create_consultation({
            "process": "policy-network", "title": "Cross-border access",
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=9)).isoformat()}, SYSTEM).id


def submit(app, consultation_id, **fields) -> str:
    data = {"stakeholder_group": "civil_society", "country": "GH", "consent_to_publish": True,
            "comment": "Mutual legal assistance treaties are too slow.", **fields}
    with app.app_context():
        return feedback.submit(consultation_id, data)[1]


def test_changes_are_searchable_after_a_drain(app, consultation):
    submit(app, consultation)
    with app.app_context():
        assert indexing.drain() > 0
        found = indexing.index().search("treaties")
        assert [hit.type for hit in found.hits] == ["submission"]
        assert indexing.index().search("jurisdiction", {"type": "process"}).total == 1


def test_a_crash_before_indexing_leaves_the_changes_for_the_next_drain(app, consultation):
    with app.app_context():
        indexing.drain()
        issues.update_issue("jurisdiction", {"summary": "Whose law applies online."}, SYSTEM)
        # The process "crashes" here: nothing drained. The next drain catches up.
        assert indexing.index().search("whose law").total == 0
        indexing.drain()
        assert indexing.index().search("whose law").total == 1


def test_withdrawn_feedback_leaves_the_index(app, consultation):
    token = submit(app, consultation)
    with app.app_context():
        indexing.drain()
        feedback.withdraw(token, {"reason": "Changed my mind"})
        indexing.drain()
        assert indexing.index().search("treaties").total == 0


def test_feedback_without_consent_is_never_indexed(app, consultation):
    submit(app, consultation, consent_to_publish=False)
    with app.app_context():
        indexing.drain()
        assert indexing.index().search("treaties").total == 0


def test_rebuild_makes_the_index_from_the_database_and_check_finds_no_drift(app, runner,
                                                                           consultation):
    submit(app, consultation)
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 documents." in result.output
    assert keys(app) == {"issue:1", "process:1", "consultation:1", "submission:1"}
    assert "matches the database" in runner.invoke(args=["search", "check"]).output


def test_check_reports_drift(app, runner, consultation):
    runner.invoke(args=["search", "rebuild"])
    with app.app_context():
        indexing.index().apply([], ["issue:1"])
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "1 missing (issue:1)" in result.output


def test_the_worker_drains_until_told_to_stop(app, consultation):
    submit(app, consultation)
    stop = threading.Event()

    def run():
        with app.app_context():
            indexing.work(interval=0.01, stop=stop.is_set)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        for _ in range(200):
            if "submission:1" in keys(app):
                break
            stop.wait(0.02)
    finally:
        stop.set()
        worker.join()
    assert "submission:1" in keys(app)


def test_the_search_page_shows_highlights_facets_and_did_you_mean(client, app, consultation):
    with app.app_context():
        indexing.drain()
    page = client.get("/search?q=jurisdicton").get_data(as_text=True)
    assert "Did you mean" in page and "<strong>jurisdiction</strong>" in page
    page = client.get("/search?q=jurisdiction").get_data(as_text=True)
    assert "<mark>Jurisdiction</mark>" in page or "<mark>jurisdiction</mark>" in page
    assert "Governments</a> (2)" in page  # the process and its consultation


def test_search_terms_come_back_escaped(client):
    page = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_the_api_returns_facets_and_refuses_unknown_filters(client, app, consultation):
    with app.app_context():
        indexing.drain()
    body = client.get("/api/v1/search?q=jurisdiction&region=latin_america_caribbean").json
    assert body["facets"]["type"] == {"process": 1, "consultation": 1}
    assert body["total"] == 2
    assert {hit["key"] for hit in body["hits"]} == {"process:1", "consultation:1"}
    response = client.get("/api/v1/search?q=x&region=mars")
    assert response.status_code == 422
    assert "region" in response.json["errors"]


def test_an_issue_page_lists_related_records(client, app, consultation):
    with app.app_context():
        issues.create_issue({"title": "Jurisdiction over data", "category": "development",
                             "summary": "Cross-border access to data and jurisdiction."},
                            SYSTEM)
        indexing.drain()
    page = client.get("/issues/jurisdiction").get_data(as_text=True)
    assert '<h2 id="related">Related</h2>' in page
    assert "Jurisdiction over data" in page


def test_a_visitor_is_offered_the_correction_narrows_it_and_sees_the_matches(client, app,
                                                                            consultation):
    with app.app_context():
        indexing.drain()
    assert client.get("/api/v1/search?q=jurisdicton").json["suggestion"] == "jurisdiction"
    narrowed = client.get("/api/v1/search?q=jurisdiction&type=process&stage=deliberation"
                          "&region=latin_america_caribbean").json
    assert [hit["key"] for hit in narrowed["hits"]] == ["process:1"]
    assert "<mark>Jurisdiction</mark>" in narrowed["hits"][0]["snippet"]
    page = client.get("/search?q=jurisdiction&type=process&stage=deliberation"
                      "&region=latin_america_caribbean").get_data(as_text=True)
    assert "<mark>Jurisdiction</mark>" in page and "Policy network" in page


def test_an_unknown_search_backend_is_refused_by_name(app):
    app.config["SEARCH_BACKEND"] = "solr"
    with app.app_context(), pytest.raises(ValueError, match="'solr'"):
        indexing.index()


def test_indexers_on_several_hosts_take_turns_on_postgresql(app, consultation):
    """One drain holds the cursor's row; another waits for it, then finds nothing left."""
    if not POSTGRES_URL:
        pytest.skip("the cursor's row lock is PostgreSQL's")
    submit(app, consultation)
    holding, release, applied = threading.Event(), threading.Event(), []

    def first():
        with app.app_context(), indexing.indexer_turn() as state:
            holding.set()
            release.wait(10)
            state.last_event_id = db.session.scalar(db.select(db.func.max(
                indexing.ActivityEvent.id)))

    def second():
        holding.wait(10)
        with app.app_context():
            applied.append(indexing.drain())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(0.5)
    assert threads[1].is_alive()  # waiting on the row lock
    release.set()
    for thread in threads:
        thread.join(10)
    assert applied == [0]  # the first host's turn moved the cursor past everything


def test_the_search_page_shows_the_ten_commonest_values_of_a_facet_and_counts_the_rest(
        client, app):
    with app.app_context():
        for n in range(12):
            issues.create_issue({"title": f"Spectrum {n}", "category": "development"}, SYSTEM)
        indexing.drain()
    page = client.get("/search?q=spectrum").get_data(as_text=True)
    assert page.count("issue=spectrum-") == 10
    assert "and 2 more" in page
    assert len(client.get("/api/v1/search?q=spectrum").json["facets"]["issue"]) == 12
