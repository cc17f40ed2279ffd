"""The OpenAPI 3 document, generated from the marshmallow schemas and the API views' docstrings."""

import re

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema, fields
from werkzeug.routing import Rule

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")  # a Flask URL variable: <int:id>, <slug>

RESPONSES = {
    "BadRequest": (400, "The body is not a JSON object, or not valid JSON in UTF-8."),
    "Unauthorized": (401, "No valid API token: send 'Authorization: Bearer <token>'."),
    "Forbidden": (403, "The token's account may not do this."),
    "NotFound": (404, "No such record."),
    "Conflict": (409, "The change clashes with an existing record."),
    "TooLarge": (413, "The body is larger than the server accepts."),
    "UnsupportedMediaType": (415, "The body is not sent as application/json."),
    "InvalidInput": (422, "A field is missing, of the wrong type, or not in the vocabulary."),
    "TooManyRequests": (429, "Too many requests from this address: wait as Retry-After says."),
}


class ProblemSchema(Schema):
    """An RFC 9457 problem; `errors` names each bad field with its messages."""

    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


@bp.get("/openapi.json")
def document():
    """This document.
    ---
    get:
      tags: [meta]
      summary: The OpenAPI 3 description of this API
      responses:
        200:
          description: The OpenAPI document
          content: {application/json: {schema: {type: object}}}
    """
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build(current_app).to_dict()
    return jsonify(current_app.extensions["openapi"])


def build(app: Flask) -> APISpec:
    spec = APISpec(
        title="Clearinghouse API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The open data of the Internet-governance clearing house."},
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for name, (_status, description) in RESPONSES.items():
        spec.components.response(name, {"description": description, "content": problem})
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.rule.startswith("/api/"):
            add_rule(spec, rule, app.view_functions[rule.endpoint])
    return spec


def add_rule(spec: APISpec, rule: Rule, view) -> None:
    operations = yaml_utils.load_operations_from_docstring(view.__doc__ or "")
    arguments = VARIABLE.findall(rule.rule)
    for operation in operations.values():
        operation.setdefault("operationId", rule.endpoint)
        add_error_responses(operation, has_path_variables=bool(arguments))
        operation.setdefault("parameters", []).extend(
            {"in": "path", "name": name, "required": True,
             "schema": {"type": "integer" if converter == "int" else "string"}}
            for converter, name in arguments
        )
    spec.path(path=VARIABLE.sub(r"{\2}", rule.rule), operations=operations)


def add_error_responses(operation: dict, has_path_variables: bool) -> None:
    """The errors every operation of its kind can answer, so no docstring has to list them:
    a bad token is refused anywhere; a body can be malformed, oversize, not JSON or
    invalid; a write's token may be missing or too weak; a path can name nothing; query
    parameters can be out of the vocabulary."""
    kinds = ["Unauthorized"]
    if "requestBody" in operation:
        kinds += ["BadRequest", "TooLarge", "UnsupportedMediaType", "InvalidInput"]
    if "security" in operation:
        kinds.append("Forbidden")
    if has_path_variables:
        kinds.append("NotFound")
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        kinds.append("InvalidInput")
    responses = operation.setdefault("responses", {})
    for kind in kinds:
        status, _description = RESPONSES[kind]
        responses.setdefault(status, {"$ref": f"#/components/responses/{kind}"})
