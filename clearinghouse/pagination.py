"""The list contract: ?page=&per_page= in, {items, page, per_page, total} and Link headers out."""

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination
from marshmallow import Schema, fields, validate

from .extensions import db
from .validation import InputSchema

MAX_PER_PAGE = 100
# Far past any last page, and its offset still fits the databases' 64-bit integers.
MAX_PAGE = 1_000_000


class ListArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


def paginate(query, args: dict) -> Pagination:
    """One page of `query`, counted and sliced in SQL."""
    return db.paginate(
        query, page=args["page"], per_page=args["per_page"], max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope for `item_schema`, registered by name for the OpenAPI document."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    envelope = {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    }
    return type(name, (Schema,), envelope)


def page_body(pagination: Pagination, item_schema: Schema, present=None) -> dict:
    items = [present(item) for item in pagination.items] if present else pagination.items
    return {
        "items": item_schema.dump(items, many=True),
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
    }


def link_header(pagination: Pagination) -> str:
    """RFC 8288 links to the first, previous, next and last pages of this same request."""
    last = max(pagination.pages, 1)
    pages = {"first": 1, "last": last}
    if pagination.has_prev:
        pages["prev"] = min(pagination.page - 1, last)
    if pagination.has_next:
        pages["next"] = pagination.page + 1
    return ", ".join(f'<{page_url(number)}>; rel="{rel}"' for rel, number in pages.items())


def page_url(number: int) -> str:
    args = {**request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
