"""Cached public pages: served again until any write, never personal, revalidated by ETag."""

import gzip

import pytest
import redis

from clearinghouse import create_app, demo, indexing
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.database import DataVersion, data_version, transaction
from clearinghouse.extensions import db
from clearinghouse.feedback.models import Consultation
from clearinghouse.issues import service as issues
from clearinghouse.issues.models import Issue
from clearinghouse.types import utcnow


@pytest.fixture
def filled(app):
    with app.app_context():
        demo.generate(issues=3, processes=6, consultations=2, submissions=20, seed=2)
    return app


def open_consultation(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Consultation.id)
                                 .where(Consultation.closes_at > utcnow()).limit(1))


def test_a_public_page_is_served_from_the_cache_the_second_time(filled, client):
    first, second = client.get("/processes"), client.get("/processes")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.get_data() == first.get_data()
    assert second.content_type == first.content_type


def test_a_write_through_the_api_is_seen_at_once(filled, client, token_for):
    client.get("/issues")
    body = {"title": "Spectrum for community networks", "category": "development",
            "priority": "high", "controversy": "low"}
    assert client.post("/api/v1/issues", json=body, headers=token_for("editor")).status_code == 201
    page = client.get("/issues")
    assert page.headers["X-Cache"] == "miss"
    assert "Spectrum for community networks" in page.get_data(as_text=True)


def test_a_submission_that_writes_no_event_still_updates_the_cached_summary(filled, client):
    consultation_id = open_consultation(filled)
    url = f"/api/v1/consultations/{consultation_id}/summary"
    before = client.get(url).json["total"]
    unpublished = {"stakeholder_group": "government", "country": "KE",
                   "consent_to_publish": False, "anonymous": True}
    answers = {"answers": {"q1": 3, "q2": "cost", "q3": ["operators"]}}
    response = client.post(f"/api/v1/consultations/{consultation_id}/submissions",
                           json=unpublished | answers)
    assert response.status_code == 201, response.json
    assert client.get(url).json["total"] == before + 1


def test_every_write_transaction_moves_the_data_version(app):
    with app.app_context():
        start = data_version()[0]
        with transaction():
            pass
        with transaction():
            pass
        assert data_version()[0] == start + 2


def test_after_a_restore_new_writes_never_meet_pages_cached_before_it(filled, client):
    """A restored backup takes the data version back; the same numbers then come again,
    for other data, and must not find the pages the lost writes left in the cache."""
    with filled.app_context():
        backup = db.session.execute(db.select(DataVersion.version, DataVersion.stamp)).one()
        issues.create_issue({"title": "Lost in the restore", "category": "development"}, SYSTEM)
    assert "Lost in the restore" in client.get("/issues").get_data(as_text=True)
    with filled.app_context():  # the restore: the lost issue and its version are gone
        with transaction() as session:
            session.execute(db.delete(Issue).where(Issue.title == "Lost in the restore"))
        db.session.execute(db.update(DataVersion).values(version=backup.version,
                                                         stamp=backup.stamp))
        db.session.commit()
        issues.create_issue({"title": "Written after the restore", "category": "development"},
                            SYSTEM)
    page = client.get("/issues")
    assert page.headers["X-Cache"] == "miss"
    assert "Written after the restore" in page.get_data(as_text=True)
    assert "Lost in the restore" not in page.get_data(as_text=True)


def test_signed_in_staff_pages_are_never_cached(filled, client, login):
    login("editor")
    first, second = client.get("/issues"), client.get("/issues")
    assert "X-Cache" not in first.headers and "X-Cache" not in second.headers
    assert "Sign out" in second.get_data(as_text=True)


def test_a_page_with_a_form_is_never_stored_so_no_one_gets_another_visitors_csrf_token(
        filled, client):
    url = f"/consultations/{open_consultation(filled)}"
    first, second = client.get(url), client.get(url)
    assert 'name="csrf_token"' in first.get_data(as_text=True)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "miss")


def test_api_requests_with_a_token_are_not_cached(filled, client, token_for):
    headers = token_for("editor")
    responses = [client.get("/api/v1/processes", headers=headers) for _ in range(2)]
    assert all("X-Cache" not in response.headers for response in responses)


@pytest.mark.parametrize("url", ["/processes", "/api/v1/processes", "/feeds/updates.atom"])
def test_a_public_response_carries_an_etag_and_answers_304(filled, client, url):
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_an_etag_changes_when_the_data_does(filled, client, token_for):
    etag = client.get("/api/v1/issues").headers["ETag"]
    body = {"title": "Routing security", "category": "internet_governance",
            "priority": "low", "controversy": "low"}
    client.post("/api/v1/issues", json=body, headers=token_for("editor"))
    assert client.get("/api/v1/issues", headers={"If-None-Match": etag}).status_code == 200


@pytest.fixture
def another_app(filled):
    """Another worker's app on the same database: its engine is disposed afterwards."""
    made = []

    def make(**config):
        app = create_app({"TESTING": True, "SECRET_KEY": "test", **config,
                          "SQLALCHEMY_DATABASE_URI": filled.config["SQLALCHEMY_DATABASE_URI"]})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_workers_of_one_instance_share_the_cache(filled, client, another_app):
    client.get("/gaps")
    other = another_app()
    other.instance_path = filled.instance_path
    assert other.test_client().get("/gaps").headers["X-Cache"] == "hit"


def test_with_redis_configured_pages_are_cached_there(another_app):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    apps = [another_app(REDIS_URL=url) for _ in range(2)]
    apps[1].instance_path = "/nonexistent"  # nothing shared but Redis
    assert apps[0].test_client().get("/gaps").headers["X-Cache"] == "miss"
    assert apps[1].test_client().get("/gaps").headers["X-Cache"] == "hit"
    assert redis.Redis.from_url(url).keys("clearinghouse:page:*")


def test_a_compressed_page_is_cached_compressed_and_reads_the_same(filled, client):
    plain = client.get("/processes").get_data()
    asked = {"Accept-Encoding": "gzip"}
    first, second = client.get("/processes", headers=asked), client.get("/processes", headers=asked)
    assert second.headers["X-Cache"] == "hit"
    assert second.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(second.get_data()) == gzip.decompress(first.get_data()) == plain
    again = client.get("/processes", headers={**asked, "If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304


def test_the_indexer_moves_the_data_version_only_when_search_results_change(filled):
    with filled.app_context():
        indexing.drain()
        before = data_version()[0]
        indexing.drain()  # nothing new: cached pages stay
        assert data_version()[0] == before
        issues.create_issue({"title": "Routing security", "category": "internet_governance"},
                            SYSTEM)
        after_write = data_version()[0]
        indexing.drain()  # the index changed, so cached search pages must go
        assert data_version()[0] > after_write


def test_a_receipt_is_never_kept_in_the_shared_cache(filled, client):
    response = client.post(f"/api/v1/consultations/{open_consultation(filled)}/submissions",
                           json={"stakeholder_group": "government", "country": "KE",
                                 "answers": {"q1": 3, "q2": "cost", "q3": ["operators"]}})
    receipt = response.json["receipt_url"].removeprefix("http://localhost")
    answers = [client.get(receipt), client.get(receipt)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("X-Cache" not in answer.headers for answer in answers)
