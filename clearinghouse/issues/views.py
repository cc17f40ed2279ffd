"""The issues pages: the list, one issue with its history, and the staff forms."""

from itertools import groupby
from operator import attrgetter

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import i18n, indexing, syndication, vocabulary
from ..auth.views import current_actor, login_required
from ..exceptions import Conflict, InvalidInput
from ..formdata import one_value_each
from ..processes import service as processes
from . import service

bp = Blueprint("issues", __name__, url_prefix="/issues")
HISTORY_ON_PAGE = 20


@bp.get("")
def index():
    args = {"per_page": 50, **request.args.to_dict()}
    issues = service.list_issues(args)
    # The query orders Internet governance first; keep that order under the headings.
    sections = [(category, list(group)) for category, group
                in groupby(issues.items, key=attrgetter("category"))]
    return render_template("issues/list.html", issues=issues, sections=sections,
                           filters=request.args)


@bp.get("/<slug>")
def detail(slug):
    issue = service.get_issue(slug)
    handling = processes.processes_for_issue(issue)
    return render_template(
        "issues/detail.html", issue=issue, processes=handling,
        coverage=processes.coverage_of([process.verdict for process in handling]),
        history=service.issue_history(slug, {"per_page": HISTORY_ON_PAGE}),
        feed_links=syndication.feed_links(issue.title, ".feed", slug=slug),
        related=indexing.index().related(f"issue:{issue.id}"),
    )


@bp.get("/<slug>/feed.<any(atom, rss):kind>")
def feed(slug, kind):
    issue = service.get_issue(slug)
    return syndication.tag_feed(
        kind, f"issue:{issue.id}", title=issue.title, link=url_for(".detail", slug=slug),
        subtitle="Changes to this issue and to the processes and consultations handling it.")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.authorise_change(current_actor())  # the form is refused as its sending would be
    if request.method == "GET":
        return render_form(values={"priority": "medium", "controversy": "medium"})
    try:
        issue = service.create_issue(form_values(request.form), current_actor())
    except InvalidInput as error:
        return render_form(values=request.form, errors=error.errors, status=422)
    except Conflict as error:  # the address is taken: say so beside the field
        return render_form(values=request.form, errors={"slug": [error.detail]}, status=409)
    return redirect(url_for(".detail", slug=issue.slug), 303)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug):
    issue = service.get_issue(slug)
    service.authorise_change(current_actor())
    if request.method == "GET":
        return render_form(issue=issue, values=service.snapshot(issue))
    try:
        values = form_values(request.form)
        values.pop("slug", None)
        service.update_issue(slug, values, current_actor())
    except InvalidInput as error:
        return render_form(issue=issue, values=request.form, errors=error.errors, status=422)
    return redirect(url_for(".detail", slug=slug), 303)


def form_values(form: MultiDict) -> dict:
    """The form's fields as the service takes them: lists from checkboxes and lines."""
    one_value_each(form, lists=("action_lines",))
    values = {key: form.get(key, "") for key in ("title", "summary", "description",
                                                 "category", "priority", "controversy")}
    if form.get("slug"):
        values["slug"] = form["slug"]
    values["action_lines"] = form.getlist("action_lines")
    values["aspects"] = [line.strip() for line in form.get("aspects", "").splitlines()
                         if line.strip()]
    values["translations"] = i18n.translations_from_form(form, ("title", "summary"))
    return values


def render_form(*, issue=None, values, errors=None, status=200):
    if isinstance(values, MultiDict):
        values = {**values.to_dict(), "action_lines": values.getlist("action_lines")}
    if isinstance(values.get("aspects"), list):
        values = {**values, "aspects": "\n".join(values["aspects"])}
    if isinstance(values.get("translations"), dict):
        values = {**values, **i18n.translations_for_form(values["translations"])}
    page = render_template("issues/form.html", issue=issue, values=values,
                           errors=errors or {}, vocabulary=vocabulary)
    return page, status
