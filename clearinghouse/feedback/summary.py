"""A consultation's summary (SPEC section 5), read from the running tallies
(`tallies.py`): a few small queries, whatever the number of submissions."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from sqlalchemy import func

from ..extensions import db
from ..vocabulary import REGIONS, STAKEHOLDER_GROUPS
from .models import Submission
from .tallies import COUNTED, SEPARATOR, Tally

CHOICE_KINDS = ("scale", "single", "multiple")
SCALE_OPTIONS = ("1", "2", "3", "4", "5")
KEY_TERMS = 10
EXCERPT_LENGTH = 200


def summarise(consultation_id: int, questions: list[dict], *,
              stakeholder_group: str | None = None, region: str | None = None) -> dict:
    """The summary of a consultation's counted submissions, optionally of one group and/or
    region; every vocabulary id and question option appears, with 0 where there is none."""
    scope = Scope(consultation_id, stakeholder_group, region)
    matrix = _matrix(scope.tallies())
    by_group = {group: sum(regions.values()) for group, regions in matrix.items()}
    by_region = {r: sum(regions[r] for regions in matrix.values()) for r in REGIONS}
    total = sum(by_group.values())
    return {
        "total": total,
        "campaigns": _campaigns(scope),
        "by_stakeholder_group": by_group,
        "by_region": by_region,
        "matrix": matrix,
        "questions": _questions(scope.tallies(), questions),
        "key_terms": _key_terms(scope.tallies()),
        "warnings": [*_dominance(by_group, total, STAKEHOLDER_GROUPS, DOMINANT_GROUP,
                                 filtered=stakeholder_group is not None),
                     *_dominance(by_region, total, REGIONS, DOMINANT_REGION,
                                 filtered=region is not None)],
    }


@dataclass(frozen=True)
class Scope:
    """The submissions a summary counts: one consultation's, maybe one group's or region's."""

    consultation_id: int
    group: str | None
    region: str | None

    def tallies(self) -> list:
        return self._where(Tally.consultation_id, Tally.stakeholder_group, Tally.region)

    def submissions(self) -> list:
        return [*self._where(Submission.consultation_id, Submission.stakeholder_group,
                             Submission.region), Submission.status == COUNTED]

    def _where(self, consultation, group, region) -> list:
        where = [consultation == self.consultation_id]
        if self.group is not None:
            where.append(group == self.group)
        if self.region is not None:
            where.append(region == self.region)
        return where


def _matrix(where: list) -> dict[str, dict[str, int]]:
    matrix = {group: dict.fromkeys(REGIONS, 0) for group in STAKEHOLDER_GROUPS}
    rows = db.session.execute(
        db.select(Tally.stakeholder_group, Tally.region, func.sum(Tally.count))
        .where(*where, Tally.kind == "all").group_by(Tally.stakeholder_group, Tally.region))
    for group, region, count in rows:
        if group in matrix and region in matrix[group]:
            matrix[group][region] = count
    return matrix


def _campaigns(scope: Scope) -> list[dict]:
    """Fingerprints shared by two or more counted submissions, largest first; the excerpt
    is the earliest signatory's comment."""
    shared = dict(db.session.execute(
        db.select(Tally.key, func.sum(Tally.count))
        .where(*scope.tallies(), Tally.kind == "campaign")
        .group_by(Tally.key).having(func.sum(Tally.count) > 1)).all())
    if not shared:
        return []
    first = (db.select(func.min(Submission.id))
             .where(*scope.submissions(), Submission.fingerprint.in_(shared))
             .group_by(Submission.fingerprint))
    rows = db.session.execute(
        db.select(Submission.id, Submission.fingerprint,
                  func.substr(Submission.comment, 1, EXCERPT_LENGTH))
        .where(Submission.id.in_(first)))
    found = sorted(rows, key=lambda row: (-shared[row.fingerprint], row.id))
    return [{"signatories": shared[fingerprint], "excerpt": excerpt}
            for _id, fingerprint, excerpt in found]


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
    """(question, group, value) → submissions; a text question's value is always ''."""
    rows = db.session.execute(
        db.select(Tally.key, Tally.stakeholder_group, func.sum(Tally.count))
        .where(*where, Tally.kind == "answer").group_by(Tally.key, Tally.stakeholder_group))
    tallies = {}
    for key, group, count in rows:
        question_id, value = key.split(SEPARATOR, 1)
        tallies[(question_id, group, value)] = count
    return tallies


def _key_terms(where: list) -> list[str]:
    """The most frequent terms, ties in code-point order on every database."""
    rows = db.session.scalars(
        db.select(Tally.key).where(*where, Tally.kind == "term").group_by(Tally.key)
        .order_by(func.sum(Tally.count).desc(), Tally.key.collate(_binary_collation()))
        .limit(KEY_TERMS))
    return list(rows)


def _binary_collation() -> str:
    return "C" if db.session.get_bind().dialect.name == "postgresql" else "BINARY"


# In the reader's language, like the rest of the page the summary is shown on.
DOMINANT_GROUP = lazy_gettext(
    "Over half of the responses (%(count)s of %(total)s) come from one stakeholder group: "
    "%(label)s.")
DOMINANT_REGION = lazy_gettext(
    "Over half of the responses (%(count)s of %(total)s) come from one region: %(label)s.")


def _dominance(counts: dict[str, int], total: int, vocabulary: dict, sentence: str, *,
               filtered: bool) -> Iterable[str]:
    """A sentence for a value holding more than half the responses; none when the summary
    is already narrowed to one value of this kind."""
    if filtered:
        return
    for key, count in counts.items():
        if 2 * count > total:
            yield str(sentence) % {"count": count, "total": total,
                                   "label": gettext(vocabulary[key].label)}
