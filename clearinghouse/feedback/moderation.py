"""Moderation: every change of a submission's status, logged with who, when and why.

Publishing or hiding a submission is also an event in the public activity log.
"""

from collections.abc import Mapping

from flask_sqlalchemy.pagination import Pagination

from .. import activity
from ..auth.permissions import Actor, require_role
from ..database import MAX_ID, transaction
from ..exceptions import Conflict, NotFound
from ..extensions import db
from ..pagination import paginate
from ..validation import load
from . import tallies
from .models import ModerationDecision, Submission
from .schemas import ModerationInput, ReportInput, SubmissionListArgs

SUBMITTER = Actor(None, "the submitter", "public")


def find_submission(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id) if 0 < submission_id <= MAX_ID else None


def record_published(session, submission: Submission) -> None:
    log(session, SUBMITTER, "published", submission, None, public_facts(submission))


def log(session, actor: Actor, action: str, submission: Submission, before, after) -> None:
    """A submission's event: its key is its consultation's, whose history shows it."""
    consultation_id = submission.consultation_id
    subject = activity.Subject(
        "submission", submission.id, str(consultation_id), submission.consultation.title,
        context=("consultation", consultation_id),
        tags=(f"consultation:{consultation_id}", f"group:{submission.stakeholder_group}",
              f"region:{submission.region}"))
    activity.record(session, actor, action, subject, before, after)


def public_facts(submission: Submission) -> dict:
    """What the permanent, hash-chained log keeps of a submission: never its author's name,
    so feedback withdrawn later does not leave the name in public history for good."""
    return {"stakeholder_group": submission.stakeholder_group, "region": submission.region,
            "country": submission.country}


def decide(session, submission: Submission, status: str, reason: str,
           actor: Actor | None) -> None:
    """Change a submission's status; the decision is logged, and hiding a published one
    is an event."""
    was_published = submission.published
    session.add(ModerationDecision(
        submission_id=submission.id, decided_by_id=actor.user_id if actor else None,
        decided_by=actor.name if actor else "the submitter", before=submission.status,
        after=status, reason=reason))
    counted = submission.status == tallies.COUNTED
    if counted != (status == tallies.COUNTED):
        tallies.add(session, submission, tallies.stored_pairs(session, submission),
                    -1 if counted else 1)
    submission.status = status
    if was_published and not submission.published:
        log(session, actor or SUBMITTER, status, submission, public_facts(submission), None)
    elif submission.published and not was_published:
        record_published(session, submission)


def report(submission_id: int, data: Mapping) -> None:
    """Anyone may report a published submission; a moderator then decides."""
    values = load(ReportInput(), data)
    with transaction() as session:
        submission = get_published(submission_id)
        submission.reported = True
        session.add(ModerationDecision(
            submission_id=submission.id, decided_by="a reader", before=submission.status,
            after=submission.status, reason=f"Reported: {values['reason']}"))


def get_published(submission_id: int) -> Submission:
    submission = find_submission(submission_id)
    if submission is None or not submission.published:
        raise NotFound(f"There is no published submission {submission_id}.")
    return submission


def moderate(submission_id: int, data: Mapping, actor: Actor | None) -> Submission:
    """Approve or reject a pending or reported submission, with a reason that is logged."""
    require_role(actor, "moderator")
    values = load(ModerationInput(), data)
    with transaction() as session:
        submission = find_submission(submission_id)
        if submission is None:
            raise NotFound(f"There is no submission {submission_id}.")
        if submission.status not in ("pending", "accepted"):
            raise Conflict(f"Submission {submission_id} was {submission.status}; "
                           "it is no longer for moderation.")
        status = "accepted" if values["action"] == "approve" else "rejected"
        decide(session, submission, status, values["reason"], actor)
        submission.reported = False
    return submission


def moderation_queue(args: Mapping, actor: Actor | None) -> Pagination:
    """Pending submissions and reported published ones, oldest first."""
    require_role(actor, "moderator")
    waiting = (Submission.status == "pending") | (
        (Submission.status == "accepted") & Submission.reported.is_(True))
    query = db.select(Submission).where(waiting).order_by(Submission.id)
    return paginate(query, load(SubmissionListArgs(), args))
