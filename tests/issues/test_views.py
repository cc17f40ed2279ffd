"""The issues pages a person uses: the list, one issue, and the staff forms."""

from html import unescape

import pytest

from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.issues import service
from tests.conftest import csrf_token

FORM = {
    "title": "Spam",
    "summary": "Unsolicited bulk e-mail.",
    "category": "internet_governance",
    "action_lines": ["C5", "C9"],
    "aspects": "Enforcement across borders\n\nTechnical standards\n",
    "priority": "low",
    "controversy": "low",
    "description": "",
}


@pytest.fixture
def issues(app):
    with app.app_context():
        service.create_issue({"title": "E-waste", "category": "development",
                              "action_lines": ["C7.e-environment"]}, SYSTEM)
        service.create_issue({"title": "Spam", "category": "internet_governance",
                              "action_lines": ["C5"],
                              "description": "See [M3AAWG](https://www.m3aawg.org/).\n\n"
                                             "<script>alert(1)</script>"}, SYSTEM)


def test_the_list_puts_internet_governance_under_its_own_heading_first(client, issues):
    page = client.get("/issues").get_data(as_text=True)
    governance = page.index('<h2 id="cat-internet_governance">')
    development = page.index('<h2 id="cat-development">')
    assert governance < page.index("Spam") < development < page.index("E-waste")


def test_the_list_filters_by_action_line(client, issues):
    page = client.get("/issues?action_line=C7").get_data(as_text=True)
    assert "E-waste" in page
    assert ">Spam<" not in page


def test_a_bad_filter_shows_a_page_that_says_what_is_wrong(client):
    response = client.get("/issues?category=economics")
    assert response.status_code == 422
    assert "'economics' is not an issue category" in unescape(response.get_data(as_text=True))


def test_the_issue_page_renders_markdown_links_but_never_raw_html(client, issues):
    page = client.get("/issues/spam").get_data(as_text=True)
    assert '<a href="https://www.m3aawg.org/" rel="nofollow noopener noreferrer">M3AAWG</a>' in page
    assert "<script>alert(1)" not in page


def test_the_issue_page_shows_its_history(client, issues, app):
    with app.app_context():
        service.update_issue("spam", {"priority": "high"}, SYSTEM)
    page = client.get("/issues/spam").get_data(as_text=True)
    assert "updated by Clearinghouse data" in page
    assert "<del>medium</del>" in page
    assert "<ins>high</ins>" in page


def test_an_unknown_issue_is_a_404_page(client):
    response = client.get("/issues/nothing")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "There is no issue" in response.get_data(as_text=True)


def test_the_form_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/issues/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/issues/new")


def test_an_editor_adds_an_issue_through_the_form(client, login):
    login("editor")
    form = {**FORM, "csrf_token": csrf_token(client, "/issues/new")}
    response = client.post("/issues/new", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/issues/spam"
    page = client.get("/issues/spam").get_data(as_text=True)
    assert "<li>Enforcement across borders</li><li>Technical standards</li>" in page
    assert "C9</a> Media" in page


def test_form_errors_are_shown_beside_their_fields_and_keep_what_was_typed(client, login):
    login("editor")
    form = {**FORM, "title": "", "category": "economics", "summary": "Kept",
            "csrf_token": csrf_token(client, "/issues/new")}
    response = client.post("/issues/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-error"' in page
    assert 'aria-invalid="true"' in page
    assert "'economics' is not an issue category" in unescape(page)
    assert ">Kept</textarea>" in page
    assert client.get("/issues/spam").status_code == 404


def test_a_form_posted_without_its_csrf_token_is_refused(client, login):
    login("editor")
    response = client.post("/issues/new", data=FORM)
    assert response.status_code == 400
    assert client.get("/issues/spam").status_code == 404


def test_an_editor_edits_an_issue_and_the_change_appears_in_its_history(client, login, issues):
    login("editor")
    form = {**FORM, "title": "Spam and phishing",
            "csrf_token": csrf_token(client, "/issues/spam/edit")}
    response = client.post("/issues/spam/edit", data=form)
    assert response.status_code == 303
    page = client.get("/issues/spam").get_data(as_text=True)
    assert "<h1 dir=\"auto\">Spam and phishing</h1>" in page
    assert "<del>Spam</del>" in page


def test_a_moderator_is_refused_the_issue_form_with_a_403_page(client, login, issues):
    login("moderator")
    form = {**FORM, "csrf_token": csrf_token(client, "/issues/spam/edit")}
    response = client.post("/issues/spam/edit", data=form)
    assert response.status_code == 403
    assert "your role is moderator" in response.get_data(as_text=True)


def test_the_home_page_counts_issues_and_lists_recent_changes(client, issues):
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong>\n      Internet governance issue</a>" in page
    assert '<a href="/issues/spam">Spam</a>' in page
    assert '<span class="meta">(issue created)</span>' in page


def test_an_address_already_taken_is_said_beside_its_field_and_the_form_kept(client, login):
    login("editor")
    form = {"csrf_token": csrf_token(client, "/issues/new"), "title": "Spam",
            "category": "internet_governance", "priority": "medium", "controversy": "medium"}
    assert client.post("/issues/new", data=form).status_code == 303
    again = client.post("/issues/new", data={**form, "title": "Spam again", "slug": "spam"})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert 'id="slug-error"' in page and "There is already an issue &#39;spam&#39;." in page
    assert 'value="Spam again"' in page
