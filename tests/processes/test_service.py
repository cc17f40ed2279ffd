"""The processes service: records, stewards, stored assessments, verdict events, coverage."""

import pytest

from clearinghouse import activity
from clearinghouse.auth.permissions import SYSTEM, Actor
from clearinghouse.exceptions import Forbidden, InvalidInput
from clearinghouse.extensions import db
from clearinghouse.processes import service
from clearinghouse.processes.models import Assessment, Process
from tests.processes.conftest import council

pytestmark = pytest.mark.usefixtures("access_issue")
EDITOR = Actor(user_id=None, name="Editor", role="editor")


def events(slug="policy-network-on-meaningful-access"):
    process = service.get_process(slug)
    return list(db.session.scalars(activity.history_query("process", process.id)))


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_registered_process_keeps_its_whole_record(app, record):
    with app.app_context():
        process = service.create_process(record, SYSTEM)
        stored = service.record_of(service.get_process(process.slug))
        assert stored["participants"][0] == {
            "name": "", "organisation": "", "stakeholder_group": "civil_society",
            "country": "KE", "region": "africa", "count": 3}
        assert stored["events"][0]["starts_at"].isoformat() == "2026-02-20T12:00:00+00:00"
        assert stored["decision_rule"] == record["decision_rule"] | {
            "chambers": [{**record["decision_rule"]["chambers"][0], "seats": [
                {**seat, "weight": 1.0} for seat in record["decision_rule"]["chambers"][0]["seats"]
            ]}]}


def test_registering_stores_an_assessment_and_the_verdict(app, record):
    with app.app_context():
        process = service.create_process(record, SYSTEM)
        assert process.verdict == "fails"  # governments hold 6 of 10 seats
        result = service.latest_assessment(process.slug)
        assert result["principles"]["no_unilateral_control"]["verdict"] == "fails"
        assert count(Assessment) == 1


def test_fixing_the_decision_rule_changes_the_verdict_and_logs_it(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)
        service.update_process(record_slug(), {"decision_rule": {"kind": "consensus"}}, SYSTEM)
        newest = events()[0]
        assert newest.action == "verdict_changed"
        assert newest.before["no_unilateral_control"] == "fails"
        assert newest.after["no_unilateral_control"] == "partial"
        assert count(Assessment) == 2


def record_slug():
    return "policy-network-on-meaningful-access"


def test_an_edit_that_changes_nothing_records_and_assesses_nothing(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)
        reordered = {"issues": ["access"], "events": record["events"],
                     "participants": record["participants"], "name": record["name"]}
        service.update_process(record_slug(), reordered, SYSTEM)
        assert [event.action for event in events()] == ["created"]
        assert count(Assessment) == 1


def test_a_stage_jump_is_allowed_but_recorded(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)
        service.update_process(record_slug(), {"stage": "implementation"}, SYSTEM)
        assert [e.action for e in events()] == ["updated", "created"]
        service.update_process(record_slug(), {"stage": "proposed"}, SYSTEM)
        jumped = events()[0]
        assert (jumped.action, jumped.before, jumped.after) == (
            "stage_jumped", {"stage": "implementation"}, {"stage": "proposed"})


def test_an_editor_steward_may_edit_but_another_editor_may_not(app, record, make_user):
    make_user("editor", email="steward@example.org")
    make_user("editor", email="other@example.org")
    with app.app_context():
        from clearinghouse.auth.service import actor_for, find_user
        steward = actor_for(find_user("steward@example.org"))
        other = actor_for(find_user("other@example.org"))
        service.create_process(record, steward)
        service.update_process(record_slug(), {"convener": "IGF Secretariat"}, steward)
        with pytest.raises(Forbidden, match="Only the stewards"):
            service.update_process(record_slug(), {"convener": "Someone else"}, other)
        assert service.get_process(record_slug()).convener == "IGF Secretariat"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"participants": [{"stakeholder_group": "academia", "country": "KE"}]},
         "participants.0.stakeholder_group", "'academia' is not a stakeholder group"),
        ({"participants": [{"stakeholder_group": "government", "country": "XX"}]},
         "participants.0.country", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ({"participants": [{"stakeholder_group": "government", "country": "KE", "count": -2}]},
         "participants.0.count", "Give a number from 1 to 1000000."),
        ({"participants": [{"stakeholder_group": "government"}]},
         "participants.0.country", "Give a country, or at least a region"),
        ({"participants": [{"stakeholder_group": "government", "country": "KE",
                            "region": "asia_pacific"}]},
         "participants.0.region", "Kenya (KE) is in the African Group (africa)."),
        ({"decision_rule": council(("government", "africa", 1), rule="most")},
         "decision_rule.chambers.0.pass", "'most' is not a pass rule"),
        ({"decision_rule": {"kind": "unilateral"}}, "decision_rule.decider", "Name the"),
        ({"decision_rule": {"kind": "dictatorship"}}, "decision_rule.kind", "not a decision rule"),
        ({"events": [{"title": "x", "kind": "meeting", "starts_at": "next week"}]},
         "events.0.starts_at", "Not a valid datetime"),
        ({"events": [{"title": "x", "kind": "meeting", "starts_at": "2026-02-20T12:00:00"}]},
         "events.0.starts_at", "Not a valid aware datetime"),
        ({"events": [{"title": "x", "kind": "meeting", "starts_at": "2026-02-20T12:00:00Z",
                      "announced_on": "2026-03-01"}]}, "events.0.announced_on", "after it starts"),
        ({"documents": [{"title": "x", "url": "javascript:alert(1)"}]}, "documents.0.url",
         "Not a valid URL"),
        ({"languages": ["english"]}, "languages.0", "not an ISO 639-1 language code"),
        ({"issues": ["no-such-issue"]}, "issues", "'no-such-issue' is not a registered issue"),
        ({"name": ""}, "name", "Use between 1 and 200 characters"),
        ({"stage": "finished"}, "stage", "'finished' is not a lifecycle stage"),
    ],
)
def test_bad_records_are_refused_naming_each_bad_field_and_nothing_is_written(
        app, record, change, field, message):
    with app.app_context():
        with pytest.raises(InvalidInput) as refused:
            service.create_process({**record, **change}, SYSTEM)
        assert message in " ".join(refused.value.errors[field])
        assert (count(Process), count(Assessment)) == (0, 0)
        assert count(activity.ActivityEvent) == 1  # only the issue the fixture made


def test_a_process_cannot_be_delegated_to_itself(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)
        with pytest.raises(InvalidInput, match="itself"):
            service.update_process(record_slug(), {"delegated_to": record_slug()}, SYSTEM)


def test_the_delegation_chain_follows_registered_processes_to_a_named_body(app, record):
    with app.app_context():
        service.create_process({**record, "name": "Treaty talks", "stage": "delegated",
                                "delegated_to": "UN Human Rights Council"}, SYSTEM)
        coalition = service.create_process(
            {**record, "name": "Privacy coalition", "stage": "delegated",
             "delegated_to": "treaty-talks"}, SYSTEM)
        chain = service.delegation_chain(coalition)
        assert [getattr(step, "slug", step) for step in chain] == [
            "treaty-talks", "UN Human Rights Council"]


def test_a_dry_assessment_needs_no_issue_and_stores_nothing(app, record):
    with app.app_context():
        result = service.assess_draft({**record, "issues": [],
                                       "decision_rule": {"kind": "rough_consensus"}})
        assert result["principles"]["no_unilateral_control"]["verdict"] == "unknown"
        assert count(Process) == count(Assessment) == 0


def test_coverage_is_a_gap_until_a_process_meets_the_principles(app, record):
    with app.app_context():
        assert service.coverage_of([]) == "gap"
        assert service.coverage_of(["fails", "fails"]) == "gap"
        assert service.coverage_of(["fails", "partial"]) == "partially covered"
        assert service.coverage_of(["unknown"]) == "partially covered"
        assert service.coverage_of(["partial", "meets"]) == "covered"
        process = service.create_process(record, SYSTEM)
        _show, found, partial = service.gaps({})
        assert [issue.id for issue in found.items] == [process.issues[0].id]
        assert partial == 0


@pytest.mark.parametrize(
    ("filters", "found"),
    [({"stage": "deliberation"}, 1), ({"stage": "proposed"}, 0), ({"issue": "access"}, 1),
     ({"stakeholder_group": "civil_society"}, 1), ({"stakeholder_group": "private_sector"}, 0),
     ({"region": "latin_america_caribbean"}, 1), ({"region": "eastern_europe"}, 0),
     ({"verdict": "fails"}, 1), ({"verdict": "meets"}, 0)],
)
def test_lists_filter_by_issue_stage_group_region_and_verdict(app, record, filters, found):
    with app.app_context():
        service.create_process(record, SYSTEM)
        assert service.list_processes(filters).total == found


def test_an_admin_makes_an_editor_a_steward_and_the_history_says_so(app, record, make_user):
    make_user("editor", email="ed@example.org", name="Ed")
    with app.app_context():
        from clearinghouse.auth.service import actor_for, find_user
        service.create_process(record, SYSTEM)
        editor = actor_for(find_user("ed@example.org"))
        with pytest.raises(Forbidden):
            service.update_process(record_slug(), {"convener": "Ed's"}, editor)
        service.add_steward(record_slug(), "ed@example.org", SYSTEM)
        service.add_steward(record_slug(), "ed@example.org", SYSTEM)  # twice: once recorded
        service.update_process(record_slug(), {"convener": "Ed's"}, editor)
        assert [e.action for e in events()][-2:] == ["steward_added", "created"]
        with pytest.raises(Forbidden):
            service.add_steward(record_slug(), "ed@example.org", editor)


def test_the_form_offers_the_next_stages_first_and_the_rest_as_jumps():
    choices = service.stage_choices("deliberation")
    assert choices.in_order == ("deliberation", "implementation", "delegated")
    assert choices.out_of_order == ("proposed", "agenda_setting", "concluded")
    assert service.stage_choices(None).out_of_order == ()
