"""What an issue looks like coming in (IssueInput, IssuePatch) and going out (IssueSchema)."""

from flask import url_for
from marshmallow import Schema, fields, post_load

from .. import vocabulary
from ..fields import Slug, Term, Text, at_most, in_languages
from ..pagination import ListArgs, page_schema
from ..validation import InputSchema, Partial

MAX_ACTION_LINES = len(vocabulary.ACTION_LINES)
MAX_ASPECTS = 20


class IssueTexts(InputSchema):
    title = Text(200, min_length=1)
    summary = Text(500)


class IssueInput(InputSchema):
    slug = Slug(metadata={"description": "Derived from the title when left out."})
    title = Text(200, min_length=1, required=True)
    summary = Text(500, load_default="")
    description = Text(20_000, load_default="", metadata={"description": "Markdown."})
    category = Term(vocabulary.CATEGORIES, "an issue category", required=True)
    action_lines = fields.List(
        Term(vocabulary.ACTION_LINES, "a WSIS Action Line code"),
        load_default=list,
        validate=at_most(MAX_ACTION_LINES),
    )
    aspects = fields.List(
        Text(300, min_length=1),
        load_default=list,
        validate=at_most(MAX_ASPECTS),
        metadata={"description": "The aspects that need global policy making, in order."},
    )
    priority = Term(vocabulary.PRIORITIES, "a priority", load_default="medium")
    controversy = Term(vocabulary.CONTROVERSY, "a controversy level", load_default="medium")
    translations = in_languages(IssueTexts)

    @post_load
    def order_action_lines(self, data: dict, **kwargs) -> dict:
        if "action_lines" in data:
            codes = set(data["action_lines"])
            data["action_lines"] = [code for code in vocabulary.ACTION_LINES if code in codes]
        return data


class IssuePatch(Partial, IssueInput):
    """Any subset of the fields; the slug is permanent, because links point at it."""

    class Meta:
        exclude = ("slug",)


class IssueSnapshot(Schema):
    """The editable fields, as the activity log records them."""

    slug = fields.String()
    title = fields.String()
    summary = fields.String()
    description = fields.String()
    category = fields.String()
    action_lines = fields.List(fields.String())
    aspects = fields.List(fields.String())
    priority = fields.String()
    controversy = fields.String()
    translations = fields.Dict()


class IssueSchema(IssueSnapshot):
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    links = fields.Function(
        lambda issue: {
            "self": url_for("issues_api.detail", slug=issue.slug, _external=True),
            "html": url_for("issues.detail", slug=issue.slug, _external=True),
            "history": url_for("issues_api.history", slug=issue.slug, _external=True),
        },
        dump_only=True,
    )


IssuePage = page_schema(IssueSchema)


class IssueListArgs(ListArgs):
    category = Term(vocabulary.CATEGORIES, "an issue category")
    action_line = Term(
        vocabulary.ACTION_LINES,
        "a WSIS Action Line code",
        metadata={"description": "C7 also matches its sub-lines."},
    )
    priority = Term(vocabulary.PRIORITIES, "a priority")
