"""The issues service: validation, authorisation, history and filters."""

import pytest

from clearinghouse import activity
from clearinghouse.auth.permissions import SYSTEM, Actor
from clearinghouse.exceptions import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from clearinghouse.extensions import db
from clearinghouse.issues import service
from clearinghouse.issues.models import Issue

EDITOR = Actor(user_id=None, name="Editor", role="editor")


def spam(**overrides) -> dict:
    return {
        "title": "Spam",
        "summary": "Unsolicited bulk messages.",
        "category": "internet_governance",
        "action_lines": ["C5"],
        "aspects": ["Cross-border enforcement", "Technical standards"],
        **overrides,
    }


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_creating_an_issue_derives_its_slug_and_records_who_did_it(app):
    with app.app_context():
        issue = service.create_issue(spam(title="Spam & Phishing!"), EDITOR)
        assert issue.slug == "spam-phishing"
        [event] = db.session.scalars(activity.history_query("issue", issue.id))
        assert (event.action, event.actor_name, event.before) == ("created", "Editor", None)
        assert event.after["aspects"] == ["Cross-border enforcement", "Technical standards"]


def test_a_taken_slug_gets_a_number_when_derived(app):
    with app.app_context():
        service.create_issue(spam(), EDITOR)
        assert service.create_issue(spam(), EDITOR).slug == "spam-2"


def test_a_taken_slug_given_explicitly_is_a_conflict_that_writes_nothing(app):
    with app.app_context():
        service.create_issue(spam(slug="spam"), EDITOR)
        with pytest.raises(Conflict):
            service.create_issue(spam(slug="spam"), EDITOR)
        assert count(Issue) == 1
        assert count(activity.ActivityEvent) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "economics", "'economics' is not an issue category; use one of"),
        ("action_lines", ["C12"], "'C12' is not a WSIS Action Line code"),
        ("priority", "urgent", "'urgent' is not a priority"),
        ("title", "   ", "Use between 1 and 200 characters"),
        ("title", 42, "Not a valid string"),
        ("aspects", "not a list", "Not a valid list"),
        ("summary", "x" * 501, "Use at most 500 characters"),
        ("slug", "Not A Slug", "is not a slug"),
        ("description", "bell \x07 inside", "control characters"),
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_written(app, field, value, message):
    with app.app_context():
        with pytest.raises(InvalidInput) as refused:
            service.create_issue(spam(**{field: value}), EDITOR)
        assert message in " ".join(refused.value.errors[next(iter(refused.value.errors))])
        assert next(iter(refused.value.errors)).split(".")[0] == field
        assert count(Issue) == 0
        assert count(activity.ActivityEvent) == 0


def test_anonymous_and_moderators_may_not_write_issues(app):
    with app.app_context():
        with pytest.raises(Unauthorized):
            service.create_issue(spam(), None)
        with pytest.raises(Forbidden):
            service.create_issue(spam(), Actor(user_id=None, name="M", role="moderator"))
        assert count(Issue) == 0


def test_an_update_records_only_the_fields_that_changed(app):
    with app.app_context():
        service.create_issue(spam(), EDITOR)
        service.update_issue("spam", {"priority": "high", "title": "Spam"}, EDITOR)
        newest = db.session.scalars(activity.history_query("issue", 1)).first()
        assert (newest.before, newest.after) == ({"priority": "medium"}, {"priority": "high"})


def test_an_update_that_changes_nothing_records_nothing(app):
    with app.app_context():
        service.create_issue(spam(), EDITOR)
        service.update_issue("spam", {"title": "Spam", "action_lines": ["C5"]}, EDITOR)
        assert count(activity.ActivityEvent) == 1


def test_action_lines_can_be_replaced_and_come_back_in_vocabulary_order(app):
    with app.app_context():
        service.create_issue(spam(action_lines=["C9", "C5"]), EDITOR)
        assert service.get_issue("spam").action_lines == ["C5", "C9"]
        service.update_issue("spam", {"action_lines": ["C10", "C7.e-health", "C5"]}, EDITOR)
        assert service.get_issue("spam").action_lines == ["C5", "C7.e-health", "C10"]


def test_the_slug_cannot_be_changed(app):
    with app.app_context():
        service.create_issue(spam(), EDITOR)
        with pytest.raises(InvalidInput) as refused:
            service.update_issue("spam", {"slug": "junk"}, EDITOR)
        assert "slug" in refused.value.errors


def test_an_unknown_issue_is_not_found(app):
    with app.app_context(), pytest.raises(NotFound, match="There is no issue 'nothing'"):
        service.update_issue("nothing", {"title": "x"}, EDITOR)


def test_filtering_by_c7_also_finds_issues_under_its_sub_lines(app):
    with app.app_context():
        service.create_issue(spam(title="Telemedicine", action_lines=["C7.e-health"]), SYSTEM)
        service.create_issue(spam(title="Spam"), SYSTEM)
        found = service.list_issues({"action_line": "C7"}).items
        assert [issue.title for issue in found] == ["Telemedicine"]


def test_internet_governance_issues_are_listed_before_development_issues(app):
    with app.app_context():
        service.create_issue(spam(title="A development issue", category="development"), SYSTEM)
        service.create_issue(spam(title="Zebra governance"), SYSTEM)
        titles = [issue.title for issue in service.list_issues({}).items]
        assert titles == ["Zebra governance", "A development issue"]


def test_counts_by_category_include_empty_categories(app):
    with app.app_context():
        service.create_issue(spam(), SYSTEM)
        assert service.count_by_category() == {"internet_governance": 1, "development": 0}
