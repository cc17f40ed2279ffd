"""Running counts behind a consultation's summary, kept in the transaction of every change.

A counted (accepted) submission adds one to its group × region cell, to each answer value
and term it holds, and to its campaign fingerprint; it takes them away when it stops being
counted or is amended. The summary then reads a few hundred rows however many
submissions there are. `recount` rebuilds the counts from the submissions themselves.
"""

from collections.abc import Iterable

from sqlalchemy import Index, String, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .models import Submission, SubmissionAnswer, SubmissionTerm

COUNTED = "accepted"  # published or not: a submission without consent still counts
SEPARATOR = "\x1f"  # between a question id and a value in an answer's key


class Tally(db.Model):
    """How many counted submissions of one group and region have one answer, term or
    fingerprint (`kind`, `key`), or in all (`kind` "all", `key` "")."""

    __tablename__ = "summary_tallies"
    __table_args__ = (Index("ix_summary_tallies_kind", "consultation_id", "kind", "key"),)

    consultation_id: Mapped[int] = mapped_column(db.ForeignKey("consultations.id"),
                                                 primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    stakeholder_group: Mapped[str] = mapped_column(String(32), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


def answer_key(question_id: str, value: str) -> str:
    return f"{question_id}{SEPARATOR}{value}"


def contributions(submission: Submission, answers: Iterable[tuple[str, str]],
                  terms: Iterable[str]) -> list[tuple[str, str]]:
    """The (kind, key) pairs one counted submission adds one to."""
    pairs = [("all", ""), *(("answer", answer_key(q, v)) for q, v in answers),
             *(("term", term) for term in terms)]
    if submission.fingerprint:
        pairs.append(("campaign", submission.fingerprint))
    return pairs


def add(session: Session, submission: Submission, pairs: list[tuple[str, str]],
        delta: int) -> None:
    """Move the counts of `pairs` by `delta` in the caller's transaction."""
    rows = [{"consultation_id": submission.consultation_id, "kind": kind, "key": key,
             "stakeholder_group": submission.stakeholder_group, "region": submission.region,
             "count": delta} for kind, key in pairs]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Tally)
    statement = statement.on_conflict_do_update(
        index_elements=["consultation_id", "kind", "key", "stakeholder_group", "region"],
        set_={"count": Tally.count + statement.excluded.count})
    session.execute(statement, rows)


def stored_pairs(session: Session, submission: Submission) -> list[tuple[str, str]]:
    """What a submission contributes as the database holds it now."""
    answers = session.execute(
        db.select(SubmissionAnswer.question_id, SubmissionAnswer.value)
        .where(SubmissionAnswer.submission_id == submission.id)).all()
    terms = session.scalars(db.select(SubmissionTerm.term)
                            .where(SubmissionTerm.submission_id == submission.id))
    return contributions(submission, answers, terms)


def recount(session: Session, consultation_ids: Iterable[int]) -> None:
    """Rebuild the counts of these consultations from their submissions, in SQL."""
    ids = list(consultation_ids)
    session.execute(db.delete(Tally).where(Tally.consultation_id.in_(ids)))
    counted = (Submission.consultation_id.in_(ids), Submission.status == COUNTED)
    cell = (Submission.consultation_id, Submission.stakeholder_group, Submission.region)
    sources = [
        db.select(*cell[:1], db.literal("all"), db.literal(""), *cell[1:], func.count())
        .where(*counted).group_by(*cell),
        db.select(*cell[:1], db.literal("answer"),
                  SubmissionAnswer.question_id + SEPARATOR + SubmissionAnswer.value,
                  *cell[1:], func.count())
        .join(Submission, Submission.id == SubmissionAnswer.submission_id).where(*counted)
        .group_by(*cell, SubmissionAnswer.question_id, SubmissionAnswer.value),
        db.select(*cell[:1], db.literal("term"), SubmissionTerm.term, *cell[1:], func.count())
        .join(Submission, Submission.id == SubmissionTerm.submission_id).where(*counted)
        .group_by(*cell, SubmissionTerm.term),
        db.select(*cell[:1], db.literal("campaign"), Submission.fingerprint, *cell[1:],
                  func.count())
        .where(*counted, Submission.fingerprint.is_not(None))
        .group_by(*cell, Submission.fingerprint),
    ]
    columns = ["consultation_id", "kind", "key", "stakeholder_group", "region", "count"]
    for source in sources:
        session.execute(db.insert(Tally).from_select(columns, source))
