"""The processes JSON API under /api/v1: records, assessments, history and dry runs."""

from flask import Blueprint, jsonify, request, url_for

from ..activity import ActivityEventSchema
from ..api import created, json_object, page_response
from ..auth.views import current_actor
from . import service
from .schemas import AssessmentSchema, ProcessSchema

bp = Blueprint("processes_api", __name__, url_prefix="/api/v1")


def dump(process) -> dict:
    return ProcessSchema().dump(service.public_record(process))


@bp.get("/processes")
def index():
    """List processes.
    ---
    get:
      tags: [processes]
      summary: List processes, filtered by issue, stage, stakeholder group, region or verdict
      parameters: [{in: query, schema: ProcessListArgs}]
      responses:
        200: {description: A page of processes, content: {application/json: {schema: ProcessPage}}}
    """
    return page_response(service.list_processes(request.args), ProcessSchema(),
                         present=service.public_record)


@bp.post("/processes")
def create():
    """Register a process.
    ---
    post:
      tags: [processes]
      summary: Register a process (editor or admin); an editor becomes its steward
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ProcessInput}}}
      responses:
        201: {description: Registered, content: {application/json: {schema: ProcessSchema}}}
        409: {$ref: "#/components/responses/Conflict"}
    """
    process = service.create_process(json_object(), current_actor())
    return created(dump(process), url_for(".detail", slug=process.slug))


@bp.get("/processes/<slug>")
def detail(slug):
    """One process.
    ---
    get:
      tags: [processes]
      summary: One process record
      responses:
        200: {description: The process, content: {application/json: {schema: ProcessSchema}}}
    """
    return jsonify(dump(service.get_process(slug)))


@bp.patch("/processes/<slug>")
def update(slug):
    """Change some fields of a process.
    ---
    patch:
      tags: [processes]
      summary: Change some fields of a process (its stewards or an admin)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ProcessPatch}}}
      responses:
        200:
          description: The changed process
          content: {application/json: {schema: ProcessSchema}}
    """
    process = service.update_process(slug, json_object(), current_actor())
    return jsonify(dump(process))


@bp.get("/processes/<slug>/assessment")
def assessment(slug):
    """The latest assessment of a process against the four principles.
    ---
    get:
      tags: [processes]
      summary: The latest assessment against the four principles, with findings and bloc power
      responses:
        200: {description: The assessment, content: {application/json: {schema: AssessmentSchema}}}
    """
    return jsonify(AssessmentSchema().dump(service.latest_assessment(slug)))


@bp.get("/processes/<slug>/history")
def history(slug):
    """The changes made to a process, newest first.
    ---
    get:
      tags: [processes]
      summary: The public history of a process, newest first, verdict changes included
      parameters: [{in: query, schema: ListArgs}]
      responses:
        200:
          description: A page of events
          content: {application/json: {schema: ActivityEventPage}}
    """
    return page_response(service.process_history(slug, request.args), ActivityEventSchema())


@bp.post("/assess")
def assess():
    """Assess a process record without storing it.
    ---
    post:
      tags: [processes]
      summary: Assess a posted process record against the principles; nothing is stored
      requestBody: {required: true, content: {application/json: {schema: ProcessInput}}}
      responses:
        200: {description: The assessment, content: {application/json: {schema: AssessmentSchema}}}
    """
    return jsonify(AssessmentSchema().dump(service.assess_draft(json_object())))
