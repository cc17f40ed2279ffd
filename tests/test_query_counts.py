"""No page or endpoint makes more SQL queries when the registry holds more records."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from clearinghouse import demo
from clearinghouse.extensions import db

SMALL = {"issues": 3, "processes": 8, "consultations": 2, "submissions": 40}
LARGE = {"issues": 12, "processes": 40, "consultations": 6, "submissions": 400}

URLS = (
    "/", "/issues", "/issues/demo-issue-1", "/issues/demo-issue-1/feed.atom",
    "/processes", "/processes/demo-process-1", "/processes/demo-process-1/feed.atom",
    "/processes/demo-process-1/calendar.ics", "/consultations", "/consultations/1",
    "/consultations/1/feed.atom", "/consultations/1/summary.csv", "/consultations.ics",
    "/gaps", "/feeds/updates.atom", "/feeds/stakeholder/civil_society.rss",
    "/feeds/region/africa.atom", "/search?q=access", "/principles", "/feeds",
    "/api/v1/issues", "/api/v1/issues/demo-issue-1", "/api/v1/issues/demo-issue-1/history",
    "/api/v1/processes", "/api/v1/processes/demo-process-1",
    "/api/v1/processes/demo-process-1/assessment", "/api/v1/processes/demo-process-1/history",
    "/api/v1/consultations", "/api/v1/consultations/1",
    "/api/v1/consultations/1/submissions", "/api/v1/consultations/1/summary",
    "/api/v1/search?q=access",
)


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_per_url(app, sizes: dict) -> dict[str, int]:
    with app.app_context():
        demo.generate(**sizes, seed=5)
        engine = db.engine
    client = app.test_client()
    client.get("/")  # the first request loads what every request reuses
    counts = {}
    for url in URLS:
        with counting(engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.fixture
def large_app(tmp_path_factory, postgres_schema):
    """A second app and database beside `app`, for the larger dataset."""
    if postgres_schema:
        pytest.skip("one PostgreSQL database per run; SQLite shows the same query shapes")
    from clearinghouse import create_app

    path = tmp_path_factory.mktemp("large")
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path / 'large.sqlite3'}"})
    app.instance_path = str(path / "instance")
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_query_counts_do_not_grow_with_the_data(app, large_app):
    small, large = queries_per_url(app, SMALL), queries_per_url(large_app, LARGE)
    grown = {url: (small[url], large[url]) for url in URLS if large[url] > small[url]}
    assert not grown, f"queries grew with the data (small, large): {grown}"


def test_pages_make_few_queries(app):
    counts = queries_per_url(app, SMALL)
    heavy = {url: n for url, n in counts.items() if n > 20}
    assert not heavy, f"pages making more than 20 queries: {heavy}"
