"""The issues JSON API: the list contract, tokens and roles, and problem+json errors."""

import pytest

from clearinghouse.extensions import db
from clearinghouse.issues.models import Issue

ISSUE = {"title": "Spam", "category": "internet_governance", "action_lines": ["C5"]}


@pytest.fixture
def editor(token_for):
    return token_for("editor")


def create(client, headers, **fields):
    response = client.post("/api/v1/issues", json={**ISSUE, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response


def issue_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Issue))


def test_an_editor_creates_an_issue_and_is_told_where_it_lives(client, editor):
    response = create(client, editor, aspects=["Enforcement across borders"])
    assert response.headers["Location"].endswith("/api/v1/issues/spam")
    assert response.json["aspects"] == ["Enforcement across borders"]
    assert client.get("/api/v1/issues/spam").json["title"] == "Spam"


def test_an_editor_changes_some_fields_and_the_history_shows_before_and_after(client, editor):
    create(client, editor)
    response = client.patch("/api/v1/issues/spam", json={"priority": "high"}, headers=editor)
    assert response.status_code == 200
    assert response.json["priority"] == "high"
    history = client.get("/api/v1/issues/spam/history").json
    assert history["total"] == 2
    assert history["items"][0]["before"] == {"priority": "medium"}
    assert history["items"][0]["after"] == {"priority": "high"}
    assert history["items"][0]["actor"] == "editor-api"


def test_lists_carry_items_page_per_page_total_and_link_headers(client, editor):
    for number in range(5):
        create(client, editor, title=f"Issue {number}")
    response = client.get("/api/v1/issues?per_page=2&page=2")
    body = response.json
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert [issue["title"] for issue in body["items"]] == ["Issue 2", "Issue 3"]
    links = response.headers["Link"]
    assert 'page=1>; rel="first"' in links
    assert 'page=1>; rel="prev"' in links
    assert 'page=3>; rel="next"' in links
    assert 'page=3>; rel="last"' in links
    assert "per_page=2" in links


def test_lists_filter_by_category(client, editor):
    create(client, editor)
    create(client, editor, title="E-waste", category="development")
    titles = [i["title"] for i in client.get("/api/v1/issues?category=development").json["items"]]
    assert titles == ["E-waste"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("per_page=101", "per_page"), ("page=0", "page"), ("page=two", "page"),
     ("category=economics", "category"), ("action_line=C99", "action_line"),
     ("colour=blue", "colour")],
)
def test_bad_list_parameters_are_a_422_naming_the_parameter(client, query, field):
    response = client.get(f"/api/v1/issues?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]


def test_writing_without_a_token_is_a_401_that_asks_for_one(client, app):
    response = client.post("/api/v1/issues", json=ISSUE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert issue_count(app) == 0


def test_an_unknown_token_is_a_401_even_for_reading(client):
    response = client.get("/api/v1/issues", headers={"Authorization": "Bearer ch_nonsense"})
    assert response.status_code == 401


def test_a_moderator_may_not_write_issues(client, token_for, app):
    response = client.post("/api/v1/issues", json=ISSUE, headers=token_for("moderator"))
    assert response.status_code == 403
    assert "moderator" in response.json["detail"]
    assert issue_count(app) == 0


def test_a_session_cookie_does_not_authenticate_the_api(client, login, app):
    login("admin")
    assert client.post("/api/v1/issues", json=ISSUE).status_code == 401
    assert issue_count(app) == 0


def test_unknown_vocabulary_is_a_422_that_names_the_allowed_values(client, editor, app):
    response = client.post("/api/v1/issues", json={**ISSUE, "category": "economics"},
                           headers=editor)
    assert response.status_code == 422
    assert response.json["errors"]["category"] == [
        "'economics' is not an issue category; use one of: internet_governance, development."
    ]
    assert issue_count(app) == 0


def test_a_missing_title_and_an_unknown_field_are_both_reported(client, editor):
    response = client.post("/api/v1/issues", json={"category": "development", "colour": "red"},
                           headers=editor)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title", "colour"}


def test_an_explicit_slug_that_is_taken_is_a_409(client, editor, app):
    create(client, editor, slug="spam")
    response = client.post("/api/v1/issues", json={**ISSUE, "slug": "spam"}, headers=editor)
    assert response.status_code == 409
    assert issue_count(app) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"title": ', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"just a string"', "application/json", 400),
        (b"title=Spam", "application/x-www-form-urlencoded", 415),
        (b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}', "application/json", 413),
    ],
)
def test_malformed_bodies_get_a_clear_4xx_and_change_nothing(client, editor, app, body,
                                                             content_type, status):
    response = client.post("/api/v1/issues", data=body,
                           headers={**editor, "Content-Type": content_type})
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert response.json["detail"]
    assert issue_count(app) == 0


def test_patching_an_unknown_issue_is_a_404(client, editor):
    response = client.patch("/api/v1/issues/nothing", json={"title": "x"}, headers=editor)
    assert response.status_code == 404
    assert response.json["detail"] == "There is no issue 'nothing'."
