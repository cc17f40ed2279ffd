"""The feedback JSON API: consultations, public submissions, receipts, moderation, answers."""

from flask import Blueprint, current_app, jsonify, request, url_for

from ..api import created, json_object, page_response
from ..auth.views import current_actor
from ..extensions import limiter
from . import moderation, service
from .schemas import (
    ConsultationSchema,
    ReceiptSchema,
    ResponseSchema,
    SubmissionSchema,
)

bp = Blueprint("feedback_api", __name__, url_prefix="/api/v1")


def public_write_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


@bp.get("/consultations")
def consultations():
    """List consultations.
    ---
    get:
      tags: [feedback]
      summary: Consultations, open ones closing soonest first
      description: Filter by state, process, issue, and the groups and regions taking part.
      parameters: [{in: query, schema: ConsultationListArgs}]
      responses:
        200: {description: A page, content: {application/json: {schema: ConsultationPage}}}
    """
    return page_response(service.list_consultations(request.args), ConsultationSchema())


@bp.post("/consultations")
def create_consultation():
    """Open a consultation.
    ---
    post:
      tags: [feedback]
      summary: Open a consultation on a process (its stewards or an admin)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ConsultationInput}}}
      responses:
        201: {description: Opened, content: {application/json: {schema: ConsultationSchema}}}
    """
    consultation = service.create_consultation(json_object(), current_actor())
    location = url_for(".consultation", consultation_id=consultation.id)
    return created(ConsultationSchema().dump(consultation), location)


@bp.get("/consultations/<int:consultation_id>")
def consultation(consultation_id):
    """One consultation.
    ---
    get:
      tags: [feedback]
      summary: One consultation, with its sections and questions
      responses:
        200:
          description: The consultation
          content: {application/json: {schema: ConsultationSchema}}
    """
    return jsonify(ConsultationSchema().dump(service.get_consultation(consultation_id)))


@bp.patch("/consultations/<int:consultation_id>")
def update_consultation(consultation_id):
    """Change a consultation.
    ---
    patch:
      tags: [feedback]
      summary: Change some fields of a consultation (its process's stewards or an admin)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ConsultationPatch}}}
      responses:
        200: {description: Changed, content: {application/json: {schema: ConsultationSchema}}}
    """
    consultation = service.update_consultation(consultation_id, json_object(), current_actor())
    return jsonify(ConsultationSchema().dump(consultation))


@bp.post("/consultations/<int:consultation_id>/submissions")
@limiter.limit(public_write_limit)
def submit(consultation_id):
    """Send feedback.
    ---
    post:
      tags: [feedback]
      summary: Send feedback on an open consultation; no account needed
      requestBody: {required: true, content: {application/json: {schema: SubmissionInput}}}
      responses:
        201:
          description: Accepted and stored before this answer is sent
          content: {application/json: {schema: SubmissionCreated}}
        409: {$ref: "#/components/responses/Conflict"}
        429: {$ref: "#/components/responses/TooManyRequests"}
    """
    submission, token = service.submit(consultation_id, json_object())
    receipt = url_for(".receipt", token=token, _external=True)
    body = {"id": submission.id, "status": public_status(submission), "receipt_url": receipt}
    return created(body, receipt)


def public_status(submission) -> str:
    if submission.status == "accepted":
        return "published" if submission.consent_to_publish else "accepted"
    return submission.status


@bp.get("/consultations/<int:consultation_id>/submissions")
def submissions(consultation_id):
    """Published feedback.
    ---
    get:
      tags: [feedback]
      summary: The published submissions of a consultation, oldest first
      parameters: [{in: query, schema: SubmissionListArgs}]
      responses:
        200: {description: A page, content: {application/json: {schema: SubmissionPage}}}
    """
    found = service.published_submissions(consultation_id, request.args)
    return page_response(found, SubmissionSchema())


@bp.get("/consultations/<int:consultation_id>/summary")
def summary(consultation_id):
    """The summary of the feedback.
    ---
    get:
      tags: [feedback]
      summary: Counts by stakeholder group and region, question tallies, campaigns, key terms
      parameters: [{in: query, schema: SubmissionListArgs}]
      responses:
        200: {description: The summary, content: {application/json: {schema: SummarySchema}}}
    """
    return jsonify(service.summary(consultation_id, request.args))


@bp.get("/consultations/<int:consultation_id>/responses")
def responses(consultation_id):
    """The process's answers.
    ---
    get:
      tags: [feedback]
      summary: What the process answered, to submissions and to themes
      responses:
        200:
          description: The answers
          content: {application/json: {schema: {type: array, items: ResponseSchema}}}
    """
    service.get_consultation(consultation_id)
    return jsonify(ResponseSchema(many=True).dump(service.responses_for(consultation_id)))


@bp.post("/consultations/<int:consultation_id>/responses")
def respond(consultation_id):
    """Answer feedback.
    ---
    post:
      tags: [feedback]
      summary: Publish the process's answer to a submission or a theme (its stewards or an admin)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ResponseInput}}}
      responses:
        201: {description: Published, content: {application/json: {schema: ResponseSchema}}}
    """
    response = service.respond(consultation_id, json_object(), current_actor())
    location = url_for(".responses", consultation_id=consultation_id)
    return created(ResponseSchema().dump(response), location)


@bp.get("/receipts/<token>")
def receipt(token):
    """A submission seen through its private receipt.
    ---
    get:
      tags: [feedback]
      summary: Your submission, with its status, through the receipt link you were given
      responses:
        200: {description: The submission, content: {application/json: {schema: ReceiptSchema}}}
    """
    return jsonify(ReceiptSchema().dump(service.find_receipt(token)))


@bp.put("/receipts/<token>")
def amend(token):
    """Replace a submission through its receipt.
    ---
    put:
      tags: [feedback]
      summary: Replace your submission while the consultation is open
      requestBody: {required: true, content: {application/json: {schema: SubmissionInput}}}
      responses:
        200: {description: Replaced, content: {application/json: {schema: ReceiptSchema}}}
        409: {$ref: "#/components/responses/Conflict"}
    """
    return jsonify(ReceiptSchema().dump(service.amend(token, json_object())))


@bp.post("/receipts/<token>/withdraw")
def withdraw(token):
    """Withdraw a submission through its receipt.
    ---
    post:
      tags: [feedback]
      summary: Withdraw your submission while the consultation is open; it is kept, hidden
      requestBody: {required: true, content: {application/json: {schema: WithdrawInput}}}
      responses:
        200: {description: Withdrawn, content: {application/json: {schema: ReceiptSchema}}}
        409: {$ref: "#/components/responses/Conflict"}
    """
    return jsonify(ReceiptSchema().dump(service.withdraw(token, json_object())))


@bp.post("/submissions/<int:submission_id>/report")
@limiter.limit(public_write_limit)
def report(submission_id):
    """Report a published submission to the moderators.
    ---
    post:
      tags: [feedback]
      summary: Report a published submission (abuse, personal data); a moderator decides
      requestBody: {required: true, content: {application/json: {schema: ReportInput}}}
      responses:
        202: {description: Reported}
        429: {$ref: "#/components/responses/TooManyRequests"}
    """
    moderation.report(submission_id, json_object())
    return "", 202


@bp.post("/submissions/<int:submission_id>/moderation")
def moderate(submission_id):
    """Approve or reject a submission.
    ---
    post:
      tags: [feedback]
      summary: Approve or reject a pending or reported submission, with a reason (moderators)
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: ModerationInput}}}
      responses:
        200: {description: Decided, content: {application/json: {schema: ReceiptSchema}}}
        409: {$ref: "#/components/responses/Conflict"}
    """
    submission = moderation.moderate(submission_id, json_object(), current_actor())
    return jsonify(ReceiptSchema().dump(submission))


@bp.get("/moderation")
def queue():
    """The moderation queue.
    ---
    get:
      tags: [feedback]
      summary: Submissions waiting for a moderator, and reported ones (moderators)
      security: [{bearerAuth: []}]
      parameters: [{in: query, schema: SubmissionListArgs}]
      responses:
        200: {description: A page, content: {application/json: {schema: ReceiptPage}}}
    """
    return page_response(moderation.moderation_queue(request.args, current_actor()),
                         ReceiptSchema())
