"""Search, for people (/search) and programs (/api/v1/search): one service call behind both."""

from collections.abc import Mapping

from flask import Blueprint, jsonify, render_template, request
from marshmallow import Schema, fields, validate

from . import indexing, search, vocabulary
from .fields import Slug, Term
from .pagination import ListArgs
from .validation import load

bp = Blueprint("search", __name__)
FACET_VALUES_SHOWN = 10  # on the page; the API gives every count
TYPES = {"issue": "Issues", "process": "Processes", "consultation": "Consultations",
         "submission": "Feedback", "response": "Answers"}


class SearchArgs(ListArgs):
    q = fields.String(load_default="", validate=validate.Length(max=1000),
                      metadata={"description": "Words; longer than 200 characters is cut."})
    type = Term(TYPES, "a record type")
    stakeholder_group = Term(vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group")
    region = Term(vocabulary.REGIONS, "a UN regional group")
    stage = Term(vocabulary.STAGES, "a lifecycle stage")
    action_line = Term(vocabulary.ACTION_LINES, "a WSIS Action Line code")
    verdict = Term(vocabulary.VERDICTS, "a verdict")
    issue = Slug()


class HitSchema(Schema):
    key = fields.String()
    type = fields.String()
    title = fields.String()
    url = fields.String()
    snippet = fields.Function(lambda hit: str(hit.snippet),
                              metadata={"description": "HTML: matches in <mark>, rest escaped."})
    score = fields.Float()


class ResultsSchema(Schema):
    hits = fields.List(fields.Nested(HitSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    facets = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.Integer()))
    suggestion = fields.String(allow_none=True)


def find(args: Mapping) -> tuple[dict, search.Results]:
    values = load(SearchArgs(), args)
    filters = {key: value for key, value in values.items() if key not in ("q", "page", "per_page")}
    results = indexing.index().search(values["q"], filters, values["page"], values["per_page"])
    return values, results


@bp.app_template_global()
def facet_label(facet: str, value: str) -> str:
    """A facet value as people read it: the vocabulary's label where there is one."""
    terms = {"type": TYPES, "stakeholder_group": vocabulary.STAKEHOLDER_GROUPS,
             "region": vocabulary.REGIONS, "stage": vocabulary.STAGES,
             "verdict": vocabulary.VERDICTS}.get(facet, {})
    term = terms.get(value)
    return getattr(term, "label", term) or value


@bp.app_template_global()
def without(values: Mapping, key: str) -> dict:
    """The search's arguments without one filter, back on the first page."""
    return {k: v for k, v in values.items() if k != key} | {"page": 1}


@bp.get("/search")
def page():
    values, results = find({"per_page": 20, **request.args.to_dict()})
    return render_template("search.html", values=values, results=results, types=TYPES,
                           facets_shown=FACET_VALUES_SHOWN)


@bp.get("/api/v1/search")
def api():
    """Search issues, processes, consultations, feedback and answers.
    ---
    get:
      tags: [search]
      summary: Full-text search with facet counts, highlighted snippets and 'did you mean'
      parameters: [{in: query, schema: SearchArgs}]
      responses:
        200: {description: Results, content: {application/json: {schema: ResultsSchema}}}
    """
    _values, results = find(request.args)
    return jsonify(ResultsSchema().dump(results))
