"""Consultations and feedback: the only door, for pages, the API and the CLI.

Nothing accepted is ever lost or deleted: a submission that is withdrawn or
rejected is kept, hidden, with who did it, when and why.
"""

import secrets
from collections.abc import Mapping
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import inspect
from sqlalchemy.orm import defaultload, lazyload

from .. import activity, search, vocabulary
from ..auth.permissions import Actor, require_role
from ..auth.service import hash_token
from ..database import MAX_ID, insert_rows, transaction
from ..exceptions import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from ..extensions import db
from ..issues.models import Issue
from ..pagination import paginate
from ..processes import service as processes
from ..processes.models import Participant, Process
from ..types import utcnow
from ..validation import load
from . import moderation, tallies
from . import summary as summaries
from .models import (
    Consultation,
    Response,
    Submission,
    SubmissionAnswer,
    SubmissionTerm,
)
from .moderation import decide, get_published, record_published
from .schemas import (
    ConsultationInput,
    ConsultationListArgs,
    ConsultationPatch,
    ResponseInput,
    SubmissionInput,
    SubmissionListArgs,
    WithdrawInput,
)
from .terms import fingerprint, key_terms

RECORD_TYPE = "consultation"


def list_consultations(args: Mapping, now: datetime | None = None) -> Pagination:
    """Open ones closing soonest first, then upcoming, then the most recently closed."""
    filters, now = load(ConsultationListArgs(), args), now or utcnow()
    # A list shows who takes part in each process, never its issues, events or documents.
    process = defaultload(Consultation.process)
    query = (db.select(Consultation).join(Process)
             .options(process.selectinload(Process.participants), process.lazyload("*")))
    states = {
        "upcoming": Consultation.opens_at > now,
        "open": (Consultation.opens_at <= now) & (Consultation.closes_at > now),
        "closed": Consultation.closes_at <= now,
    }
    if "state" in filters:
        query = query.where(states[filters["state"]])
    if "process" in filters:
        query = query.where(Process.slug == filters["process"])
    if "issue" in filters:
        query = query.where(Process.issues.any(Issue.slug == filters["issue"]))
    for field in ("stakeholder_group", "region"):
        if field in filters:
            present = db.select(Participant.process_id).where(
                getattr(Participant, field) == filters[field])
            query = query.where(Process.id.in_(present))
    closed_last = db.case((states["closed"], 1), else_=0)
    query = query.order_by(closed_last, Consultation.closes_at, Consultation.id)
    return paginate(query, filters)


def get_consultation(consultation_id: int, *, with_process: bool = True) -> Consultation:
    """Without its process, loading is a tenth of the work: the process brings its issues,
    events, documents and participants."""
    options = () if with_process else (lazyload(Consultation.process),)
    consultation = (db.session.get(Consultation, consultation_id, options=options)
                    if 0 < consultation_id <= MAX_ID else None)
    if consultation is None:
        raise NotFound(f"There is no consultation {consultation_id}.")
    return consultation


def create_consultation(data: Mapping, actor: Actor | None) -> Consultation:
    """Open a consultation on a process; its stewards and admins may."""
    require_role(actor, "editor")
    values = load(ConsultationInput(), data)
    with transaction() as session:
        process = process_named(values.pop("process"))
        processes.require_steward(actor, process)
        consultation = Consultation(process=process, **values)
        session.add(consultation)
        session.flush()
        log(session, actor, "created", consultation, None, snapshot(consultation))
    return consultation


def processes_to_consult_on(actor: Actor | None, chosen: str | None = None
                            ) -> list[tuple[str, str]]:
    """(slug, name) of the processes the actor may open consultations on, for the form; refused
    as sending it would be: when there are none, or `chosen` is a process not among them."""
    actor = require_role(actor, "editor")
    kept = processes.names_kept_by(actor)
    if not kept and actor.role == "admin":
        raise Forbidden("No process is registered yet: register one before consulting on it.")
    if not kept:
        raise Forbidden("You steward no process yet: an admin can make you a steward of one.")
    if chosen and chosen not in dict(kept) and chosen in dict(processes.all_names()):
        raise Forbidden(f"Only the stewards of '{chosen}' and admins may open its consultations.")
    return kept


def process_named(slug: str) -> Process:
    """The process a consultation is posted for; naming none is a mistake in the input."""
    try:
        return processes.get_process(slug)
    except NotFound:
        message = f"There is no process '{slug}'."
        raise InvalidInput(f"process: {message}", {"process": [message]}) from None


def log(session, actor: Actor, action: str, consultation: Consultation, before, after) -> None:
    """A consultation's event, shown in its process's history too."""
    subject = activity.Subject(
        RECORD_TYPE, consultation.id, str(consultation.id), consultation.title,
        context=("process", consultation.process_id),
        tags=(f"process:{consultation.process_id}", *processes.feed_tags(consultation.process)))
    activity.record(session, actor, action, subject, before, after)


def update_consultation(consultation_id: int, data: Mapping, actor: Actor | None) -> Consultation:
    require_role(actor, "editor")
    values = load(ConsultationPatch(), data, partial=True)
    with transaction() as session:
        consultation = get_consultation(consultation_id)
        processes.require_steward(actor, consultation.process)
        before = snapshot(consultation)
        for field, value in values.items():
            setattr(consultation, field, value)
        changed_before, changed_after = activity.changed(before, snapshot(consultation))
        if changed_after:
            log(session, actor, "updated", consultation, changed_before, changed_after)
    return consultation


def snapshot(consultation: Consultation) -> dict:
    fields = ("title", "text", "url", "sections", "questions", "opens_at", "closes_at",
              "moderation")
    dumped = ConsultationInput(only=fields).dump(consultation)
    return {"process": consultation.process.slug, **dumped}


def submit(consultation_id: int, data: Mapping, now: datetime | None = None
           ) -> tuple[Submission, str]:
    """Accept a submission while the consultation is open; returns it and its receipt token.

    It is committed before this returns, so an acknowledged submission is never lost.
    """
    consultation = get_consultation(consultation_id, with_process=False)
    values = load(for_consultation(consultation), data)
    token = secrets.token_urlsafe(24)
    with transaction() as session:
        consultation = get_consultation(consultation_id, with_process=False)
        require_open(consultation, now)
        status = "pending" if consultation.moderation == "pre" else "accepted"
        submission = Submission(consultation=consultation, status=status,
                                receipt_hash=hash_token(token),
                                region=vocabulary.region_of(values["country"]))
        fill(session, submission, values, consultation)
        if submission.published:
            record_published(session, submission)
    return submission, token


def require_open(consultation: Consultation, now: datetime | None) -> None:
    state = consultation.state_at(now or utcnow())
    if state != "open":
        when = consultation.opens_at if state == "upcoming" else consultation.closes_at
        verb = "opens" if state == "upcoming" else "closed"
        raise Conflict(f"This consultation {verb} on {when:%d %B %Y at %H:%M} UTC: "
                       "it is not accepting feedback now.")


def for_consultation(consultation: Consultation) -> SubmissionInput:
    return SubmissionInput(consultation.questions, consultation.sections)


def fill(session, submission: Submission, values: dict, consultation: Consultation) -> None:
    """Set the submission's fields, its answer and term rows, and the summary's tallies."""
    amending = inspect(submission).has_identity  # stored already (an import sets new ids)
    if amending and submission.status == tallies.COUNTED:
        tallies.add(session, submission, tallies.stored_pairs(session, submission), -1)
    for field, value in values.items():
        setattr(submission, field, value)
    submission.region = vocabulary.region_of(values["country"])
    texts = [values["comment"], *(c["text"] for c in values["comments"])]
    kinds = {question["id"]: question["kind"] for question in consultation.questions}
    texts += [value for qid, value in values["answers"].items() if kinds[qid] == "text"]
    submission.fingerprint = fingerprint(" ".join(texts))
    session.add(submission)
    session.flush()
    if amending:
        for row in (SubmissionAnswer, SubmissionTerm):
            session.execute(db.delete(row).where(row.submission_id == submission.id))
    answers, terms = summary_rows(submission.id, values["answers"], kinds, texts)
    insert_rows(session, SubmissionAnswer.__table__, answers)
    insert_rows(session, SubmissionTerm.__table__, terms)
    if submission.status == tallies.COUNTED:
        pairs = [(row["question_id"], row["value"]) for row in answers]
        tallies.add(session, submission,
                    tallies.contributions(submission, pairs, (row["term"] for row in terms)), 1)


def summary_rows(submission_id: int, answers: dict, kinds: dict[str, str], texts: list[str]
                 ) -> tuple[list[dict], list[dict]]:
    """The answer rows and term rows a submission is summarised by."""
    answer_rows = [{"submission_id": submission_id, "question_id": qid, "value": value}
                   for qid, answer in answers.items()
                   for value in answer_values(kinds[qid], answer)]
    term_rows = [{"submission_id": submission_id, "term": term}
                 for term in sorted(key_terms(" ".join(texts)))]
    return answer_rows, term_rows


def answer_values(kind: str, answer) -> list[str]:
    """The rows one answer counts as: one per chosen option; a text answer counts once."""
    if kind == "text":
        return [""]
    return [str(value) for value in answer] if kind == "multiple" else [str(answer)]


def find_receipt(token: str) -> Submission:
    submission = db.session.scalar(
        db.select(Submission).where(Submission.receipt_hash == hash_token(token)))
    if submission is None:
        raise NotFound("There is no submission for this receipt.")
    return submission


def amend(token: str, data: Mapping, now: datetime | None = None) -> Submission:
    """Replace a submission through its receipt while the consultation is open."""
    values = load(for_consultation(find_receipt(token).consultation), data)
    with transaction() as session:
        submission = find_receipt(token)
        consultation = submission.consultation
        require_open(consultation, now)
        if submission.status in ("withdrawn", "rejected"):
            raise Conflict(f"This submission was {submission.status}; send a new one instead.")
        was_published = submission.published
        fill(session, submission, values, consultation)
        if consultation.moderation == "pre" and submission.status == "accepted":
            decide(session, submission, "pending", "the submitter amended it", None)
        if submission.published and not was_published:
            record_published(session, submission)
        elif submission.published:
            moderation.log(session, moderation.SUBMITTER, "amended", submission, None,
                           moderation.public_facts(submission))
    return submission


def withdraw(token: str, data: Mapping, now: datetime | None = None) -> Submission:
    values = load(WithdrawInput(), data)
    with transaction() as session:
        submission = find_receipt(token)
        require_open(submission.consultation, now)
        if submission.status == "withdrawn":
            return submission
        reason = values["reason"] or "withdrawn by the submitter"
        decide(session, submission, "withdrawn", reason, None)
    return submission


def respond(consultation_id: int, data: Mapping, actor: Actor | None) -> Response:
    """Publish the process's answer to a submission or to a theme."""
    require_role(actor, "editor")
    values = load(ResponseInput(), data)
    with transaction() as session:
        consultation = get_consultation(consultation_id)
        processes.require_steward(actor, consultation.process)
        if values["submission_id"] is not None:
            submission = get_published(values["submission_id"])
            if submission.consultation_id != consultation.id:
                raise InvalidInput("submission_id: it belongs to another consultation.",
                                   {"submission_id": ["It belongs to another consultation."]})
        response = Response(consultation_id=consultation.id, author=actor.name, **values)
        session.add(response)
        session.flush()
        log(session, actor, "answered", consultation, None,
            {"theme": response.theme, "submission_id": response.submission_id,
             "text": response.text})
    return response


def may_answer(consultation: Consultation, actor: Actor | None) -> bool:
    """Whether `respond` would take the actor's answer: a page shows its forms only then."""
    try:
        processes.require_steward(require_role(actor, "editor"), consultation.process)
    except (Unauthorized, Forbidden):
        return False
    return True


def published_query(consultation_id: int, filters: Mapping):
    query = db.select(Submission).where(
        Submission.consultation_id == consultation_id, Submission.status == "accepted",
        Submission.consent_to_publish.is_(True)).order_by(Submission.id)
    for field in ("stakeholder_group", "region"):
        if filters.get(field):
            query = query.where(getattr(Submission, field) == filters[field])
    return query


def published_submissions(consultation_id: int, args: Mapping) -> Pagination:
    get_consultation(consultation_id)
    filters = load(SubmissionListArgs(), args)
    return paginate(published_query(consultation_id, filters), filters)


def all_published(consultation_id: int, args: Mapping) -> list[Submission]:
    """Every published submission, for downloads, filtered as the page is."""
    get_consultation(consultation_id)
    filters = load(SubmissionListArgs(), {**args, "page": 1})
    return list(db.session.scalars(published_query(consultation_id, filters)))


def responses_for(consultation_id: int) -> list[Response]:
    query = db.select(Response).where(Response.consultation_id == consultation_id)
    return list(db.session.scalars(query.order_by(Response.id)))


def summary(consultation_id: int, args: Mapping) -> dict:
    consultation = get_consultation(consultation_id)
    filters = load(SubmissionListArgs(), args)
    return summaries.summarise(consultation.id, consultation.questions,
                               stakeholder_group=filters.get("stakeholder_group"),
                               region=filters.get("region"))


def all_consultations() -> list[Consultation]:
    """Every consultation, for the deadlines calendar."""
    return list(db.session.scalars(db.select(Consultation).order_by(Consultation.closes_at,
                                                                    Consultation.id)))


def search_documents(consultation: Consultation) -> list[search.Document]:
    """The consultation, its published submissions and the process's answers."""
    process = consultation.process
    facets = processes.participation_facets(process)
    body = "\n".join([process.name, *(issue.title for issue in process.issues), consultation.text,
                      *(s["title"] for s in consultation.sections),
                      *(q["prompt"] for q in consultation.questions)])
    url = f"/consultations/{consultation.id}"
    documents = [search.Document(
        key=f"consultation:{consultation.id}", type="consultation", title=consultation.title,
        body=body, url=url, updated=consultation.updated_at,
        facets={**facets, "stage": (process.stage,)})]
    documents += [submission_document(s, facets["issue"])
                  for s in db.session.scalars(published_query(consultation.id, {}))]
    documents += [search.Document(
        key=f"response:{r.id}", type="response", title=f"Answer: {consultation.title}",
        body="\n".join(filter(None, [r.theme, r.text])), url=url, updated=r.created_at,
        facets={"issue": facets["issue"]}) for r in responses_for(consultation.id)]
    return documents


def submission_document(submission: Submission, issues: tuple[str, ...]) -> search.Document:
    text = [submission.comment, *(c["text"] for c in submission.comments),
            *(v for v in submission.answers.values() if isinstance(v, str))]
    return search.Document(
        key=f"submission:{submission.id}", type="submission",
        title=f"Feedback on {submission.consultation.title}", body="\n".join(text),
        url=f"/consultations/{submission.consultation_id}#submission-{submission.id}",
        updated=submission.updated_at,
        facets={"stakeholder_group": (submission.stakeholder_group,),
                "region": (submission.region,), "issue": issues})
