"""The issues JSON API under /api/v1/issues."""

from flask import Blueprint, jsonify, request, url_for

from ..activity import ActivityEventSchema
from ..api import created, json_object, page_response
from ..auth.views import current_actor
from . import service
from .schemas import IssueSchema

bp = Blueprint("issues_api", __name__, url_prefix="/api/v1/issues")


@bp.get("")
def index():
    """List issues.
    ---
    get:
      tags: [issues]
      summary: List issues, Internet-governance issues first
      parameters: [{in: query, schema: IssueListArgs}]
      responses:
        200: {description: A page of issues, content: {application/json: {schema: IssuePage}}}
    """
    return page_response(service.list_issues(request.args), IssueSchema())


@bp.post("")
def create():
    """Create an issue.
    ---
    post:
      tags: [issues]
      summary: Create an issue (editor or admin)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: IssueInput}}}
      responses:
        201: {description: Created, content: {application/json: {schema: IssueSchema}}}
        409: {$ref: "#/components/responses/Conflict"}
    """
    issue = service.create_issue(json_object(), current_actor())
    return created(IssueSchema().dump(issue), url_for(".detail", slug=issue.slug))


@bp.get("/<slug>")
def detail(slug):
    """One issue.
    ---
    get:
      tags: [issues]
      summary: One issue
      responses:
        200: {description: The issue, content: {application/json: {schema: IssueSchema}}}
    """
    return jsonify(IssueSchema().dump(service.get_issue(slug)))


@bp.patch("/<slug>")
def update(slug):
    """Change some fields of an issue.
    ---
    patch:
      tags: [issues]
      summary: Change some fields of an issue (editor or admin); the slug is permanent
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: IssuePatch}}}
      responses:
        200: {description: The changed issue, content: {application/json: {schema: IssueSchema}}}
    """
    issue = service.update_issue(slug, json_object(), current_actor())
    return jsonify(IssueSchema().dump(issue))


@bp.get("/<slug>/history")
def history(slug):
    """The changes made to an issue, newest first.
    ---
    get:
      tags: [issues]
      summary: The public history of an issue, newest first
      parameters: [{in: query, schema: ListArgs}]
      responses:
        200:
          description: A page of events
          content: {application/json: {schema: ActivityEventPage}}
    """
    return page_response(service.issue_history(slug, request.args), ActivityEventSchema())
