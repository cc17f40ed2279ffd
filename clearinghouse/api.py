"""What every JSON endpoint shares: reading a body, answering with a page or a record."""

import json

from flask import Response, jsonify, request
from flask_sqlalchemy.pagination import Pagination
from marshmallow import Schema
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from .pagination import link_header, page_body


def json_object() -> dict:
    """The request body as a JSON object, or a 4xx that says what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send a JSON object with 'Content-Type: application/json'.")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nested deeper than json can parse
        raise BadRequest("The request body is not valid JSON in UTF-8.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object, not a list or a single value.")
    if not encodable(data):
        raise BadRequest("The request body has a \\u escape that is not a character "
                         "(a lone surrogate); send the text as valid Unicode.")
    return data


def encodable(data: dict) -> bool:
    """False when a string holds a lone surrogate, which JSON allows and UTF-8 cannot store."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def page_response(pagination: Pagination, item_schema: Schema, present=None) -> Response:
    """`present` turns each item into what the schema dumps, when that is not the item itself."""
    response = jsonify(page_body(pagination, item_schema, present))
    response.headers["Link"] = link_header(pagination)
    return response


def created(body: dict, location: str) -> tuple[Response, int, dict]:
    return jsonify(body), 201, {"Location": location}
