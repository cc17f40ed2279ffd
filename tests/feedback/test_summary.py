"""The summary of a consultation: counted by the database, in SPEC section 5's shape."""

import secrets
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from clearinghouse.extensions import db
from clearinghouse.feedback import tallies
from clearinghouse.feedback.models import (
    Consultation,
    Submission,
    SubmissionAnswer,
    SubmissionTerm,
)
from clearinghouse.feedback.summary import summarise
from clearinghouse.processes.models import Process
from clearinghouse.vocabulary import REGIONS, STAKEHOLDER_GROUPS

QUESTIONS = [
    {"id": "q1", "kind": "scale", "prompt": "Do you agree with section 2?"},
    {"id": "q2", "kind": "single", "prompt": "Priority?", "options": ["cost", "skills", "content"]},
    {"id": "q3", "kind": "multiple", "prompt": "Which?", "options": ["a", "b", "c"]},
    {"id": "q4", "kind": "text", "prompt": "Anything else?"},
]
COUNTRY_OF = {"africa": "GH", "asia_pacific": "IN", "eastern_europe": "PL",
              "latin_america_caribbean": "BR", "western_europe_others": "FR"}


@pytest.fixture
def consultation(app):
    """A function making a consultation (of a minimal process) and returning its id."""

    def make() -> int:
        process = Process(slug=f"process-{secrets.token_hex(4)}", name="A process",
                          stage="deliberation")
        opens = datetime(2026, 11, 1, tzinfo=UTC)
        row = Consultation(process=process, title="Draft", questions=QUESTIONS,
                           opens_at=opens, closes_at=opens.replace(month=12))
        db.session.add(row)
        db.session.flush()
        return row.id

    with app.app_context():
        yield make


def submit(consultation_id: int, group: str = "civil_society", region: str = "africa", *,
           status: str = "accepted", consent: bool = True, answers: tuple = (),
           terms: tuple = (), fingerprint: str | None = None, comment: str = "") -> None:
    """Store one submission the way the service would: answer and term rows beside it,
    and the summary's tallies."""
    row = Submission(consultation_id=consultation_id, status=status, stakeholder_group=group,
                     region=region, country=COUNTRY_OF[region], consent_to_publish=consent,
                     receipt_hash=secrets.token_hex(32), fingerprint=fingerprint,
                     comment=comment)
    db.session.add(row)
    db.session.flush()
    db.session.add_all([SubmissionAnswer(submission_id=row.id, question_id=q, value=str(v))
                        for q, v in answers])
    db.session.add_all([SubmissionTerm(submission_id=row.id, term=t) for t in terms])
    if status == tallies.COUNTED:
        pairs = [(q, str(v)) for q, v in answers]
        tallies.add(db.session, row, tallies.contributions(row, pairs, terms), 1)


def summary(consultation_id: int, **filters) -> dict:
    db.session.commit()
    return summarise(consultation_id, QUESTIONS, **filters)


@contextmanager
def counting_statements():
    """The SQL statements run inside the block, leaving out SQLite's explicit BEGIN."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement != "BEGIN":
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_an_empty_consultation_lists_every_group_region_and_option_at_zero(consultation):
    result = summary(consultation())
    assert list(result) == ["total", "campaigns", "by_stakeholder_group", "by_region",
                            "matrix", "questions", "key_terms", "warnings"]
    assert result["total"] == 0
    assert result["by_stakeholder_group"] == dict.fromkeys(STAKEHOLDER_GROUPS, 0)
    assert list(result["by_stakeholder_group"]) == list(STAKEHOLDER_GROUPS)
    assert list(result["by_region"]) == list(REGIONS)
    assert set(result["by_region"].values()) == {0}
    assert result["matrix"] == {g: dict.fromkeys(REGIONS, 0) for g in STAKEHOLDER_GROUPS}
    assert result["questions"]["q1"]["counts"] == dict.fromkeys(["1", "2", "3", "4", "5"], 0)
    assert result["questions"]["q2"]["by_stakeholder_group"]["government"] == {
        "cost": 0, "skills": 0, "content": 0}
    assert result["questions"]["q4"] == {"answered": 0}
    assert result["campaigns"] == result["key_terms"] == result["warnings"] == []


def test_only_accepted_submissions_count_with_or_without_consent_to_publish(consultation):
    cid = consultation()
    submit(cid, consent=True)
    submit(cid, consent=False)
    for status in ("pending", "rejected", "withdrawn"):
        submit(cid, status=status, answers=(("q1", 5),), terms=("hidden",))
    result = summary(cid)
    assert result["total"] == 2
    assert result["matrix"]["civil_society"]["africa"] == 2
    assert result["questions"]["q1"]["counts"]["5"] == 0
    assert result["key_terms"] == []


def test_submissions_to_another_consultation_are_not_counted(consultation):
    ours, theirs = consultation(), consultation()
    submit(theirs, answers=(("q2", "cost"),), terms=("elsewhere",))
    result = summary(ours)
    assert result["total"] == 0
    assert result["questions"]["q2"]["counts"]["cost"] == 0
    assert result["key_terms"] == []


def test_scale_and_choice_answers_are_tallied_overall_and_per_group(consultation):
    cid = consultation()
    submit(cid, "government", answers=(("q1", 4), ("q2", "cost"), ("q3", "a"), ("q3", "c")))
    submit(cid, "government", answers=(("q1", 4), ("q2", "skills"), ("q3", "a")))
    submit(cid, "private_sector", answers=(("q1", 1), ("q2", "skills")))
    questions = summary(cid)["questions"]
    assert questions["q1"]["counts"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 0}
    assert questions["q1"]["by_stakeholder_group"]["government"]["4"] == 2
    assert questions["q1"]["by_stakeholder_group"]["private_sector"]["1"] == 1
    assert list(questions["q1"]["by_stakeholder_group"]) == list(STAKEHOLDER_GROUPS)
    assert questions["q2"]["counts"] == {"cost": 1, "skills": 2, "content": 0}
    assert questions["q2"]["by_stakeholder_group"]["private_sector"] == {
        "cost": 0, "skills": 1, "content": 0}
    assert questions["q3"]["counts"] == {"a": 2, "b": 0, "c": 1}
    assert questions["q3"]["by_stakeholder_group"]["civil_society"] == {"a": 0, "b": 0, "c": 0}


def test_a_text_question_counts_the_submissions_that_answered_it(consultation):
    cid = consultation()
    submit(cid, "government", answers=(("q4", "Cheaper spectrum"),))
    submit(cid, "civil_society", answers=(("q4", "More local content"),))
    submit(cid, "civil_society")
    assert summary(cid)["questions"]["q4"] == {"answered": 2}


def test_filters_narrow_every_count_to_one_group_and_region(consultation):
    cid = consultation()
    submit(cid, "government", "africa", answers=(("q2", "cost"),), terms=("spectrum",))
    submit(cid, "government", "asia_pacific", answers=(("q2", "skills"),), terms=("skills",))
    submit(cid, "civil_society", "africa", answers=(("q2", "content"),), terms=("content",))
    by_group = summary(cid, stakeholder_group="government")
    assert by_group["total"] == 2
    assert by_group["by_stakeholder_group"]["civil_society"] == 0
    assert by_group["by_region"] == dict.fromkeys(REGIONS, 0) | {"africa": 1, "asia_pacific": 1}
    assert by_group["questions"]["q2"]["counts"] == {"cost": 1, "skills": 1, "content": 0}
    assert by_group["key_terms"] == ["skills", "spectrum"]
    both = summary(cid, stakeholder_group="government", region="africa")
    assert both["total"] == 1
    assert both["matrix"]["government"] == dict.fromkeys(REGIONS, 0) | {"africa": 1}
    assert both["questions"]["q2"]["counts"] == {"cost": 1, "skills": 0, "content": 0}
    assert both["key_terms"] == ["spectrum"]


def test_shared_fingerprints_become_campaigns_largest_first_with_every_signatory_counted(
        consultation):
    cid = consultation()
    long_text = "Protect the open Internet. " * 20
    for _ in range(3):
        submit(cid, fingerprint="a" * 64, comment=long_text)
    for _ in range(2):
        submit(cid, fingerprint="b" * 64, comment="Keep the fee waiver for small firms.")
    submit(cid, status="pending", fingerprint="b" * 64)
    submit(cid, fingerprint="c" * 64, comment="A lone voice, not a campaign.")
    submit(cid, comment="Too short to fingerprint")
    result = summary(cid)
    assert result["campaigns"] == [
        {"signatories": 3, "excerpt": long_text[:200]},
        {"signatories": 2, "excerpt": "Keep the fee waiver for small firms."},
    ]
    assert result["total"] == 7


def test_key_terms_are_the_ten_most_frequent_with_ties_in_alphabetical_order(consultation):
    cid = consultation()
    for _ in range(3):
        submit(cid, terms=("spectrum", "access"))
    submit(cid, terms=("zebra", "affordability", "broadband", "cost", "data", "equity",
                       "fibre", "gender", "health", "infrastructure", "jobs"))
    submit(cid, status="rejected", terms=("jobs", "jobs2", "jobs3"))
    assert summary(cid)["key_terms"] == [
        "access", "spectrum", "affordability", "broadband", "cost", "data", "equity",
        "fibre", "gender", "health"]


def test_key_terms_tie_in_code_point_order_on_every_database(consultation):
    cid = consultation()
    submit(cid, terms=("éclair", "zebra", "apple", "доступ", "الوصول"))
    assert summary(cid)["key_terms"] == ["apple", "zebra", "éclair", "доступ", "الوصول"]


def spread(cid: int, groups: list[str], regions: list[str]) -> None:
    for group, region in zip(groups, regions, strict=True):
        submit(cid, group, region)


def test_exactly_half_from_one_group_or_region_is_no_warning(consultation):
    cid = consultation()
    spread(cid, ["government", "government", "civil_society", "private_sector"],
           ["africa", "africa", "asia_pacific", "eastern_europe"])
    assert summary(cid)["warnings"] == []


def test_more_than_half_from_one_group_or_region_is_a_warning(consultation):
    cid = consultation()
    spread(cid, ["private_sector", "private_sector", "private_sector", "civil_society"],
           ["africa", "africa", "asia_pacific", "eastern_europe"])
    submit(cid, "government", "africa")
    assert summary(cid)["warnings"] == [
        "Over half of the responses (3 of 5) come from one stakeholder group: Private sector.",
        "Over half of the responses (3 of 5) come from one region: African Group.",
    ]


def test_a_summary_narrowed_to_a_group_does_not_warn_about_that_group(consultation):
    cid = consultation()
    spread(cid, ["government", "government"], ["africa", "asia_pacific"])
    assert summary(cid, stakeholder_group="government")["warnings"] == []
    assert summary(cid, region="africa")["warnings"] == [
        "Over half of the responses (1 of 1) come from one stakeholder group: Governments."]


def fill(cid: int, n: int) -> None:
    groups, regions = list(STAKEHOLDER_GROUPS), list(REGIONS)
    for i in range(n):
        submit(cid, groups[i % len(groups)], regions[i % len(regions)],
               answers=(("q1", i % 5 + 1), ("q2", "cost"), ("q3", "a"), ("q3", "b"),
                        ("q4", f"remark {i}")),
               terms=("spectrum", f"term{i % 7}"), fingerprint=f"{i % 3:064d}",
               comment=f"Comment {i % 3}")


def test_the_number_of_queries_does_not_grow_with_the_submissions(consultation):
    small, large = consultation(), consultation()
    fill(small, 5)
    fill(large, 200)
    db.session.commit()
    with counting_statements() as for_small:
        assert summarise(small, QUESTIONS)["total"] == 5
    db.session.rollback()
    with counting_statements() as for_large:
        assert summarise(large, QUESTIONS)["total"] == 200
    assert len(for_small) == len(for_large) <= 5  # campaigns take two: counts, then excerpts
