"""Reading and changing issues: the only door, for pages, the API, the CLI and the seed."""

from collections.abc import Mapping

from flask_sqlalchemy.pagination import Pagination

from .. import activity, search, slugs, vocabulary
from ..auth.permissions import Actor, require_role
from ..database import transaction
from ..exceptions import NotFound
from ..extensions import db
from ..pagination import ListArgs, paginate
from ..validation import load
from .models import Issue, IssueActionLine
from .schemas import IssueInput, IssueListArgs, IssuePatch, IssueSnapshot

RECORD_TYPE = "issue"


def list_issues(args: Mapping) -> Pagination:
    """Issues filtered by category, Action Line and priority; Internet governance first."""
    filters = load(IssueListArgs(), args)
    query = db.select(Issue).order_by(in_vocabulary_order(Issue.category, vocabulary.CATEGORIES),
                                      Issue.title, Issue.id)
    if "category" in filters:
        query = query.where(Issue.category == filters["category"])
    if "priority" in filters:
        query = query.where(Issue.priority == filters["priority"])
    if "action_line" in filters:
        family = vocabulary.action_line_family(filters["action_line"])
        linked = db.select(IssueActionLine.issue_id).where(IssueActionLine.code.in_(family))
        query = query.where(Issue.id.in_(linked))
    return paginate(query, filters)


def in_vocabulary_order(column, terms):
    """An ORDER BY term that sorts a column's values as its vocabulary lists them."""
    ranks = {term: rank for rank, term in enumerate(terms)}
    return db.case(ranks, value=column, else_=len(ranks))


def get_issue(slug: str) -> Issue:
    # A NUL names nothing, and PostgreSQL cannot even compare text holding one.
    issue = (db.session.scalar(db.select(Issue).where(Issue.slug == slug))
             if "\x00" not in slug else None)
    if issue is None:
        raise NotFound(f"There is no issue '{slug}'.")
    return issue


def subject(issue: Issue) -> activity.Subject:
    return activity.Subject(RECORD_TYPE, issue.id, issue.slug, issue.title)


def snapshot(issue: Issue) -> dict:
    return IssueSnapshot().dump(issue)


def authorise_change(actor: Actor | None) -> Actor:
    """Who may create and change issues: what their forms check before being shown or read."""
    return require_role(actor, "editor")


def create_issue(data: Mapping, actor: Actor | None) -> Issue:
    require_role(actor, "editor")
    values = load(IssueInput(), data)
    slug = values.pop("slug", None)
    with slugs.taken_is_conflict("an issue", slug), transaction() as session:
        slug = slugs.choose(session, Issue.slug, slug, values["title"], "issue")
        issue = Issue(slug=slug, **values)
        session.add(issue)
        session.flush()
        activity.record(session, actor, "created", subject(issue), None, snapshot(issue))
    return issue


def update_issue(slug: str, data: Mapping, actor: Actor | None) -> Issue:
    """Change the given fields; an edit that changes nothing records nothing."""
    require_role(actor, "editor")
    values = load(IssuePatch(), data, partial=True)
    with transaction() as session:
        issue = get_issue(slug)
        before, after = activity.changed(snapshot(issue), {**snapshot(issue), **values})
        if after:
            for field, value in after.items():
                setattr(issue, field, value)
            activity.record(session, actor, "updated", subject(issue), before, after)
    return issue


def issue_history(slug: str, args: Mapping) -> Pagination:
    page = load(ListArgs(), args)
    return paginate(activity.history_query(RECORD_TYPE, get_issue(slug).id), page)


def count_by_category() -> dict[str, int]:
    """Every category of the vocabulary with its number of issues, zeros included."""
    rows = db.session.execute(db.select(Issue.category, db.func.count()).group_by(Issue.category))
    counts = dict.fromkeys(vocabulary.CATEGORIES, 0)
    counts.update((category, count) for category, count in rows)
    return counts


def all_titles() -> list[tuple[str, str]]:
    """(slug, title) of every issue, for choosing issues in forms and filters."""
    return list(db.session.execute(db.select(Issue.slug, Issue.title).order_by(Issue.title)))


def by_priority() -> list[Issue]:
    """Every issue, most urgent first."""
    order = in_vocabulary_order(Issue.priority, vocabulary.PRIORITIES)
    return list(db.session.scalars(db.select(Issue).order_by(order, Issue.title)))


def search_document(issue: Issue) -> search.Document:
    body = "\n".join([issue.summary, issue.description, *issue.aspects,
                      *(text for texts in issue.translations.values() for text in texts.values())])
    return search.Document(
        key=f"issue:{issue.id}", type="issue", title=issue.title, body=body,
        url=f"/issues/{issue.slug}", updated=issue.updated_at,
        facets={"action_line": tuple(issue.action_lines), "issue": (issue.slug,)})
