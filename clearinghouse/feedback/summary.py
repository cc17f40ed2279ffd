"""A consultation's summary (SPEC section 5), counted by the database: four GROUP BY
queries over accepted submissions, their answer rows and their terms, whatever their number."""

from collections.abc import Iterable

from sqlalchemy import case, distinct, func

from ..extensions import db
from ..vocabulary import REGIONS, STAKEHOLDER_GROUPS
from .models import Submission, SubmissionAnswer, SubmissionTerm

COUNTED = "accepted"  # published or not: a submission without consent still counts
CHOICE_KINDS = ("scale", "single", "multiple")
SCALE_OPTIONS = ("1", "2", "3", "4", "5")
KEY_TERMS = 10
EXCERPT_LENGTH = 200


def summarise(consultation_id: int, questions: list[dict], *,
              stakeholder_group: str | None = None, region: str | None = None) -> dict:
    """The summary of a consultation's counted submissions, optionally of one group and/or
    region; every vocabulary id and question option appears, with 0 where there is none."""
    where = _counted(consultation_id, stakeholder_group, region)
    matrix = _matrix(where)
    by_group = {group: sum(regions.values()) for group, regions in matrix.items()}
    by_region = {r: sum(regions[r] for regions in matrix.values()) for r in REGIONS}
    total = sum(by_group.values())
    return {
        "total": total,
        "campaigns": _campaigns(where),
        "by_stakeholder_group": by_group,
        "by_region": by_region,
        "matrix": matrix,
        "questions": _questions(where, questions),
        "key_terms": _key_terms(where),
        "warnings": [*_dominance(by_group, total, STAKEHOLDER_GROUPS, "stakeholder group",
                                 filtered=stakeholder_group is not None),
                     *_dominance(by_region, total, REGIONS, "region",
                                 filtered=region is not None)],
    }


def _counted(consultation_id: int, group: str | None, region: str | None) -> list:
    where = [Submission.consultation_id == consultation_id, Submission.status == COUNTED]
    if group is not None:
        where.append(Submission.stakeholder_group == group)
    if region is not None:
        where.append(Submission.region == region)
    return where


def _matrix(where: list) -> dict[str, dict[str, int]]:
    matrix = {group: dict.fromkeys(REGIONS, 0) for group in STAKEHOLDER_GROUPS}
    rows = db.session.execute(
        db.select(Submission.stakeholder_group, Submission.region, func.count())
        .where(*where).group_by(Submission.stakeholder_group, Submission.region))
    for group, region, count in rows:
        if group in matrix and region in matrix[group]:
            matrix[group][region] = count
    return matrix


def _campaigns(where: list) -> list[dict]:
    """Fingerprints shared by two or more counted submissions, largest first; the excerpt
    is the earliest signatory's comment."""
    shared = (db.select(func.count().label("signatories"), func.min(Submission.id).label("first"))
              .where(*where, Submission.fingerprint.is_not(None))
              .group_by(Submission.fingerprint).having(func.count() > 1).subquery())
    rows = db.session.execute(
        db.select(shared.c.signatories, func.substr(Submission.comment, 1, EXCERPT_LENGTH))
        .join(shared, Submission.id == shared.c.first)
        .order_by(shared.c.signatories.desc(), shared.c.first))
    return [{"signatories": n, "excerpt": excerpt} for n, excerpt in rows]


def _questions(where: list, questions: list[dict]) -> dict[str, dict]:
    tallies = _answer_tallies(where, questions)
    summary = {}
    for question in questions:
        if question["kind"] in CHOICE_KINDS:
            summary[question["id"]] = _choice(question, tallies)
        elif question["kind"] == "text":
            answered = sum(n for (qid, _g, _v), n in tallies.items() if qid == question["id"])
            summary[question["id"]] = {"answered": answered}
    return summary


def _choice(question: dict, tallies: dict[tuple[str, str, str], int]) -> dict:
    options = SCALE_OPTIONS if question["kind"] == "scale" else question["options"]
    by_group = {group: {option: tallies.get((question["id"], group, option), 0)
                        for option in options} for group in STAKEHOLDER_GROUPS}
    counts = {option: sum(row[option] for row in by_group.values()) for option in options}
    return {"counts": counts, "by_stakeholder_group": by_group}


def _answer_tallies(where: list, questions: list[dict]) -> dict[tuple[str, str, str], int]:
    """(question, group, value) → submissions; a text question's values all count as ''."""
    ids = [q["id"] for q in questions if q["kind"] in (*CHOICE_KINDS, "text")]
    if not ids:
        return {}
    text_ids = [q["id"] for q in questions if q["kind"] == "text"]
    value = case((SubmissionAnswer.question_id.in_(text_ids), ""), else_=SubmissionAnswer.value)
    keys = (SubmissionAnswer.question_id, Submission.stakeholder_group, value)
    rows = db.session.execute(
        db.select(*keys, func.count(distinct(SubmissionAnswer.submission_id)))
        .join(Submission, Submission.id == SubmissionAnswer.submission_id)
        .where(*where, SubmissionAnswer.question_id.in_(ids)).group_by(*keys))
    return {(qid, group, value): n for qid, group, value, n in rows}


def _key_terms(where: list) -> list[str]:
    """The most frequent terms, ties in code-point order on every database."""
    rows = db.session.scalars(
        db.select(SubmissionTerm.term)
        .join(Submission, Submission.id == SubmissionTerm.submission_id)
        .where(*where).group_by(SubmissionTerm.term)
        .order_by(func.count().desc(), SubmissionTerm.term.collate(_binary_collation()))
        .limit(KEY_TERMS))
    return list(rows)


def _binary_collation() -> str:
    return "C" if db.session.get_bind().dialect.name == "postgresql" else "BINARY"


def _dominance(counts: dict[str, int], total: int, vocabulary: dict, what: str, *,
               filtered: bool) -> Iterable[str]:
    """A sentence for a value holding more than half the responses; none when the summary
    is already narrowed to one value of this kind."""
    if filtered:
        return
    for key, count in counts.items():
        if 2 * count > total:
            yield (f"Over half of the responses ({count} of {total}) come from one "
                   f"{what}: {vocabulary[key].label}.")
