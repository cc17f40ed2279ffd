"""The principles' findings in the reader's language: each finding is stored as a message
and its values as well as in English, and read back in any of the six languages."""

import ast
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from clearinghouse import vocabulary
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.database import transaction
from clearinghouse.extensions import db
from clearinghouse.i18n import LANGUAGES
from clearinghouse.processes import assessment, power, principles, service
from clearinghouse.processes.models import Assessment
from clearinghouse.processes.power import Chamber, DecisionRule, Seat
from clearinghouse.processes.principles import Event, Participant, ProcessFacts, assess
from tests.conftest import csrf_token
from tests.processes.test_views import form, text

pytestmark = pytest.mark.usefixtures("access_issue")
SLUG = "policy-network-on-meaningful-access"
GROUPS, REGIONS = list(vocabulary.STAKEHOLDER_GROUPS), list(vocabulary.REGIONS)
UNISOLATED = {0x2068: None, 0x2069: None}  # a record's words come wrapped in bidi isolates


def event(kind, announced_on, starts_on):
    starts_at = datetime.combine(starts_on, datetime.min.time()) if starts_on else None
    return Event(f"Open {kind}", kind, announced_on, starts_at)


def weighted(name, pass_rule, *seats):
    return Chamber(name, pass_rule, tuple(Seat(*seat) for seat in seats))


# Facts that between them reach every finding the engine can write.
FACTS = [
    ProcessFacts(),
    ProcessFacts(
        aim_documented=True, modalities_documented=True, fee=True, remote_participation=True,
        participants=(Participant("government", "africa", True, 7),
                      Participant("civil_society", "asia_pacific", None, 1)),
        events=(event("meeting", date(2026, 1, 5), date(2026, 1, 6)),
                event("meeting", date(2026, 2, 5), date(2026, 2, 1)),
                event("deadline", date(2026, 1, 5), date(2026, 1, 17)),
                event("deadline", date(2026, 3, 5), date(2026, 3, 1)),
                event("meeting", None, date(2026, 1, 6)),
                event("deadline", date(2026, 1, 5), None)),
        decision_rule=DecisionRule("vote", (
            weighted("Board", "two_thirds", ("government", "africa", 2, 1.5),
                     ("civil_society", "asia_pacific", 1, 1)),
            Chamber("Assembly", "three_fifths")))),
    ProcessFacts(
        aim_documented=True, modalities_documented=True, significance_documented=True,
        records_published=True, open_participation=True, recourse_published=True,
        participants=tuple(Participant(group, region, False, 2)
                           for group, region in zip(GROUPS, REGIONS, strict=True)),
        events=(event("meeting", date(2026, 1, 5), date(2026, 3, 6)),),
        decision_rule=DecisionRule("consensus")),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),),
                 decision_rule=DecisionRule("consensus")),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),),
                 decision_rule=DecisionRule("vote", (Chamber("Council", "unanimous"),))),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),),
                 decision_rule=DecisionRule("vote")),
    ProcessFacts(decision_rule=DecisionRule("consensus")),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),),
                 decision_rule=DecisionRule("vote", (Chamber("Council", "majority", (
                     Seat("government", "africa", 0),)),))),
    ProcessFacts(fee=True, events=(event("meeting", date(2026, 1, 5), date(2026, 1, 6)),),
                 participants=(Participant("government", "africa", None, 10),
                               Participant("government", "asia_pacific", None, 1)),
                 decision_rule=DecisionRule("vote", (
                     Chamber("Council", "majority", (Seat("government", "africa"),)),
                     Chamber("Senate", "majority", (Seat("government", "africa"),))))),
    ProcessFacts(decision_rule=DecisionRule("unilateral", decider={
        "stakeholder_group": "government"})),
    ProcessFacts(decision_rule=DecisionRule("rough_consensus"), answers_published=True,
                 events=(event("meeting", date(2026, 1, 5), None),
                         event("deadline", None, date(2026, 1, 6)))),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),
                               Participant("civil_society", "africa", True, 3)),
                 decision_rule=DecisionRule.from_dict({"kind": "vote", "chambers": [
                     {"pass": "unanimous"}, {"name": "Council", "seats": [
                         {"stakeholder_group": "government", "region": "africa", "count": 2},
                         {"stakeholder_group": "civil_society", "region": "africa"}]}]})),
    ProcessFacts(participants=(Participant("government", "africa", True, 3),),
                 decision_rule=DecisionRule("vote", (Chamber("Council", "majority", (
                     Seat("government", "africa", 1), Seat("civil_society", "africa", 1))),))),
    ProcessFacts(decision_rule=DecisionRule("unilateral", decider={"region": "africa"})),
    ProcessFacts(decision_rule=DecisionRule("unilateral", decider={
        "stakeholder_group": "government", "region": "africa"})),
]


def phrases():
    """Every finding of FACTS: (its English, its stored form)."""
    for facts in FACTS:
        result = assess(facts, assessment.PROFILE, groups=GROUPS, regions=REGIONS,
                        labels=assessment.LABELS)
        for principle in result.principles.values():
            yield from zip(principle.findings, (p.as_dict() for p in principle.phrases),
                           strict=True)


def read(app, stored, language):
    with app.test_request_context(), force_locale(language):
        return assessment.findings({"phrases": [stored]})[0]


def test_the_facts_reach_every_message_the_engine_writes():
    def messages(stored):
        yield stored["message"]
        for value in stored["values"].values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and "message" in item:
                    yield from messages(item)

    reached = {message for _, stored in phrases() for message in messages(stored)}
    assert marked(principles) | marked(power) == reached


def marked(module):
    """The messages a module marks with N_(...)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"}


def test_in_english_a_stored_finding_reads_as_the_finding_itself(app):
    for english, stored in phrases():
        if "date" not in json.dumps(stored):  # dates read as "Jan 5, 2026", not ISO
            assert read(app, stored, "en").translate(UNISOLATED) == english


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_finding_reads_in_every_language(app, language):
    for english, stored in phrases():
        reading = read(app, stored, language)
        assert reading != english and "{" not in reading, (language, english, reading)


def test_a_records_own_words_keep_their_direction_inside_a_translated_sentence(app):
    stored = next(stored for english, stored in phrases() if "Board" in english)
    assert "\u2068Board\u2069" in read(app, stored, "ar")


def test_dates_and_days_in_a_finding_follow_the_readers_language(app):
    stored = next(stored for english, stored in phrases() if "12 days ahead" in english)
    reading = read(app, stored, "fr")
    assert "12 jours" in reading and "5 janv. 2026" in reading


@pytest.fixture
def registered(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)


def test_the_process_page_gives_the_findings_in_the_readers_language(client, registered):
    english = text(client.get(f"/processes/{SLUG}"))
    french = text(client.get(f"/processes/{SLUG}", headers={"Accept-Language": "fr"}))
    finding = ("The Governments bloc holds 6 of 10 seats in the Council (more than half "
               "needed): it can decide alone.")
    assert finding in english and finding not in french
    assert "Le bloc Gouvernements détient 6 sièges sur 10" in french


def test_an_assessment_stored_before_phrases_is_shown_in_english(app, client, registered):
    with app.app_context(), transaction() as session:
        stored = session.scalars(db.select(Assessment)).one()
        stored.result = {**stored.result, "principles": {
            name: {key: value for key, value in principle.items() if key != "phrases"}
            for name, principle in stored.result["principles"].items()}}
    french = text(client.get(f"/processes/{SLUG}", headers={"Accept-Language": "fr"}))
    assert "it can decide alone." in french


def test_the_check_page_reads_a_draft_in_arabic(client):
    client.set_cookie("lang", "ar")
    page = client.post("/processes/check", data={
        **form(), "csrf_token": csrf_token(client, "/processes/check")})
    assert page.status_code == 200
    assert "each of the 20 participants can block" not in text(page)
    assert "يستطيع كل مشارك من المشاركين البالغ عددهم 20 منع القرار" in text(page)


def test_the_api_keeps_findings_as_english_sentences(client, registered):
    principles = client.get(f"/api/v1/processes/{SLUG}/assessment",
                            headers={"Accept-Language": "fr"}).get_json()["principles"]
    control = principles["no_unilateral_control"]
    assert "it can decide alone." in " ".join(control["findings"])
    assert "phrases" not in control
