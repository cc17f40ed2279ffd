"""The principles engine: P1–P3 at their thresholds, P4 through assess(), the overall
verdict, the profile file and SPEC section 4's JSON shape."""

import json
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from clearinghouse.processes.power import DecisionRule
from clearinghouse.processes.principles import (
    PRINCIPLES,
    Event,
    Participant,
    ProcessFacts,
    Profile,
    assess,
    overall,
)

GROUPS = ("government", "private_sector", "civil_society", "technical_academic",
          "intergovernmental")
REGIONS = ("africa", "asia_pacific", "eastern_europe", "latin_america_caribbean",
           "western_europe_others")
ROOT = Path(__file__).parents[2]
DEFAULT_PROFILE = ROOT / "data" / "principles" / "default.json"
ANNOUNCED = date(2026, 1, 5)


def run(facts, profile=None, labels=None):
    return assess(facts, profile or Profile(), groups=GROUPS, regions=REGIONS, labels=labels)


def verdict_of(principle, facts, profile=None):
    result = run(facts, profile).principles[principle]
    return result.verdict, result.score


def everyone(count=1, developing=False):
    """One row per group, the i-th group from the i-th region."""
    return tuple(Participant(g, r, developing, count) for g, r in zip(GROUPS, REGIONS, strict=True))


def by_group(counts):
    return ProcessFacts(participants=[Participant(g, "africa", count=n) for g, n in counts.items()])


def by_region(counts, developing=()):
    return ProcessFacts(participants=[Participant("government", r, r in developing, n)
                                      for r, n in counts.items()])


def deadline(notice_days, announced_on=ANNOUNCED, kind="deadline"):
    starts_at = datetime.combine(announced_on or ANNOUNCED, datetime.min.time(), UTC)
    return Event("Open consultation deadline", kind, announced_on,
                 starts_at + timedelta(days=notice_days, hours=12))


TRANSPARENT = {
    "aim_documented": True, "modalities_documented": True, "significance_documented": True,
    "records_published": True, "open_participation": True, "remote_participation": True,
    "fee": False, "fee_waiver": False, "recourse_published": True, "answers_published": True,
}


def transparent(events=(), **changes):
    return ProcessFacts(**{**TRANSPARENT, **changes}, events=events or (deadline(45),))


def test_the_default_profile_file_holds_specs_thresholds():
    profile = Profile.from_dict(json.loads(DEFAULT_PROFILE.read_text(encoding="utf-8")))
    assert profile == Profile(description=profile.description)
    assert profile.min_region_share == Fraction(1, 10)


@pytest.mark.parametrize(("change", "message"), [
    ({"name": ""}, r"^name: "),
    ({"colour": "red"}, r"^colour: unknown key"),
    ({"stakeholders": None}, r"^stakeholders: expected an object"),
    ({"stakeholders": {"dominance_share": 0.5}}, r"^stakeholders\.min_per_group: missing"),
    ({"stakeholders": {"min_per_group": 0, "dominance_share": 0.5}},
     r"^stakeholders\.min_per_group: 0 is not a whole number of at least 1"),
    ({"stakeholders": {"min_per_group": 1, "dominance_share": 1.5}},
     r"^stakeholders\.dominance_share: "),
    ({"transparency": {"min_notice_days": 30.5}}, r"^transparency\.min_notice_days: "),
    ({"transparency": {"min_notice_days": 30, "min_notice": 1}},
     r"^transparency\.min_notice: unknown key"),
    ({"global": {"min_region_share": "ten percent"}}, r"^global\.min_region_share: "),
    ({"global": {"min_region_share": -0.1}}, r"^global\.min_region_share: .* negative"),
])
def test_a_bad_profile_is_refused_naming_the_key(change, message):
    data = {**json.loads(DEFAULT_PROFILE.read_text(encoding="utf-8")), **change}
    with pytest.raises(ValueError, match=message):
        Profile.from_dict(data)


def test_a_profile_built_with_float_shares_compares_them_exactly():
    counts = {"africa": 1, "asia_pacific": 2, "eastern_europe": 3, "latin_america_caribbean": 3,
              "western_europe_others": 1}
    assert verdict_of("global", by_region(counts), Profile(min_region_share=0.1))[0] == "meets"


# P1 stakeholders

@pytest.mark.parametrize(("counts", "expected"), [
    (dict.fromkeys(GROUPS, 1), ("meets", 1.0)),
    ({"government": 5, "civil_society": 1, "private_sector": 1}, ("partial", 0.6)),  # 3 of 5
    ({"government": 5, "civil_society": 1}, ("fails", 0.4)),  # 2 of 5, under half
    ({}, ("unknown", 0.0)),
])
def test_p1_counts_the_groups_with_participants(counts, expected):
    assert verdict_of("stakeholders", by_group(counts)) == expected


def test_p1_holds_each_group_to_the_profiles_minimum():
    counts = {**dict.fromkeys(GROUPS, 2), "intergovernmental": 1}
    result = run(by_group(counts), Profile(min_per_group=2)).principles["stakeholders"]
    assert (result.verdict, result.score) == ("partial", 0.9)
    assert ("Too few participants from intergovernmental (1): the profile asks for at least 2 "
            "from every stakeholder group.") in result.findings


@pytest.mark.parametrize(("government", "warned"), [(6, True), (5, False)])
def test_p1_warns_only_when_one_group_holds_more_than_the_dominance_share(government, warned):
    counts = {"government": government, "civil_society": 10 - government}
    findings = run(by_group(counts), labels={"government": "Government"}).principles[
        "stakeholders"].findings
    warning = ("The Government group has 6 of 10 participants (60%), more than the 50% at which "
               "one group dominates.")
    assert (warning in findings) is warned


# P2 transparency

@pytest.mark.parametrize(("changes", "expected"), [
    ({}, ("meets", 1.0)),
    ({"aim_documented": False}, ("fails", 0.8889)),
    ({"modalities_documented": False}, ("fails", 0.8889)),
    ({"significance_documented": False}, ("partial", 0.8889)),
    ({"records_published": False, "recourse_published": False}, ("meets", 0.7778)),  # 3 of 5
    ({"records_published": False, "recourse_published": False, "answers_published": False},
     ("partial", 0.6667)),  # 2 of 5 is not most
    ({"open_participation": False}, ("meets", 1.0)),  # remote participation suffices
    ({"open_participation": False, "remote_participation": False}, ("meets", 0.8889)),
    ({"fee": True, "fee_waiver": True}, ("meets", 1.0)),
    ({"fee": True}, ("meets", 0.8889)),
])
def test_p2_checklist_needs_the_first_four_and_most_of_the_rest(changes, expected):
    assert verdict_of("transparency", transparent(**changes)) == expected


@pytest.mark.parametrize(("notice_days", "expected"), [(30, "meets"), (29, "partial")])
def test_p2_needs_at_least_the_profiles_notice_before_every_deadline(notice_days, expected):
    events = (deadline(60), deadline(notice_days))
    assert verdict_of("transparency", transparent(events))[0] == expected


def test_p2_short_notice_finding_cites_the_dates_and_the_profile():
    findings = run(transparent((deadline(12),))).principles["transparency"].findings
    assert ('The deadline "Open consultation deadline" was announced 12 days ahead (on '
            "2026-01-05, for 2026-01-17); the profile asks for at least 30 days.") in findings


def test_p2_a_meeting_with_no_announcement_date_has_unknown_notice_and_falls_short():
    result = run(transparent((deadline(90, announced_on=None, kind="meeting"),)))
    assert result.principles["transparency"].verdict == "partial"
    assert ('The meeting "Open consultation deadline" has no recorded announcement date, so its '
            "notice is unknown.") in result.principles["transparency"].findings


def test_p2_ignores_notice_for_events_that_are_neither_meetings_nor_deadlines():
    facts = transparent((deadline(2, kind="launch"),))
    assert verdict_of("transparency", facts) == ("meets", 1.0)


def test_p2_with_no_meetings_or_deadlines_has_no_notice_to_fall_short():
    facts = ProcessFacts(**TRANSPARENT)
    assert verdict_of("transparency", facts) == ("meets", 1.0)


# P3 global

@pytest.mark.parametrize(("counts", "expected"), [
    (dict.fromkeys(REGIONS, 2), ("meets", 1.0)),
    ({"africa": 1, "asia_pacific": 2, "eastern_europe": 3, "latin_america_caribbean": 3,
      "western_europe_others": 1}, ("meets", 1.0)),  # exactly a tenth each for two
    ({"africa": 1, "asia_pacific": 2, "eastern_europe": 3, "latin_america_caribbean": 3,
      "western_europe_others": 2}, ("partial", 0.9818)),  # 1 of 11 is below a tenth
    ({"africa": 4, "asia_pacific": 3, "western_europe_others": 3}, ("partial", 0.6)),
    ({"africa": 4, "western_europe_others": 6}, ("fails", 0.4)),
    ({}, ("unknown", 0.0)),
])
def test_p3_asks_for_a_share_of_participants_from_every_region(counts, expected):
    assert verdict_of("global", by_region(counts)) == expected


def test_p3_names_a_region_present_below_the_minimum_share():
    counts = {**dict.fromkeys(REGIONS, 10), "africa": 1}
    findings = run(by_region(counts), labels={"africa": "Africa"}).principles["global"].findings
    assert ("Africa has 1 of 41 participants (2.4%); the profile asks for at least 10% from "
            "every region.") in findings


def test_p3_calls_two_regions_a_forum_of_limited_reach_and_reports_developing_countries():
    facts = by_region({"africa": 3, "western_europe_others": 7}, developing={"africa"})
    findings = run(facts).principles["global"].findings
    assert "Only 2 of 5 regions take part: a forum of limited geographical reach." in findings
    assert "3 of 10 participants (30%) come from developing countries." in findings


def test_p3_counts_developing_countries_only_among_rows_with_a_country():
    facts = ProcessFacts(participants=(Participant("government", "africa", True, 2),
                                       Participant("government", "africa", False, 3),
                                       Participant("civil_society", "asia_pacific", None, 5)))
    findings = run(facts).principles["global"].findings
    assert ("2 of 5 participants (40%) whose country is recorded come from developing "
            "countries; 5 are recorded by region only.") in findings


def test_p3_says_the_developing_share_is_unknown_when_no_country_is_recorded():
    facts = ProcessFacts(participants=(Participant("government", "africa", None, 4),))
    findings = run(facts).principles["global"].findings
    assert ("No participant's country is recorded, so the share from developing countries "
            "is unknown.") in findings


# P4 and the whole assessment

def test_p4_consensus_with_everyone_at_the_table_meets_and_the_process_meets_overall():
    facts = ProcessFacts(**TRANSPARENT, participants=everyone(2),
                         decision_rule=DecisionRule("consensus"))
    result = run(facts)
    assert result.principles["no_unilateral_control"].verdict == "meets"
    assert result.overall == "meets"


def test_p4_vote_without_seats_seats_the_participants():
    facts = ProcessFacts(participants=(*everyone(), Participant("government", "africa", count=6)),
                         decision_rule=DecisionRule("vote"))
    assert verdict_of("no_unilateral_control", facts) == ("fails", 0.0)


@pytest.mark.parametrize(("verdicts", "expected"), [
    (("meets", "meets", "meets", "meets"), "meets"),
    (("meets", "partial", "meets", "meets"), "partial"),
    (("meets", "unknown", "meets", "meets"), "partial"),
    (("unknown", "unknown", "unknown", "unknown"), "unknown"),
    (("fails", "meets", "unknown", "partial"), "fails"),
])
def test_overall_fails_on_any_failure_and_meets_only_when_every_principle_meets(verdicts,
                                                                             expected):
    assert overall(verdicts) == expected


def test_an_assessment_has_specs_json_shape_with_every_bloc_present_or_not():
    facts = ProcessFacts(participants=everyone()[:2], decision_rule=DecisionRule("consensus"))
    data = json.loads(json.dumps(run(facts).as_dict()))
    assert list(data) == ["overall", "profile", "principles"]
    assert (data["overall"], data["profile"]) == ("fails", "default")
    assert list(data["principles"]) == list(PRINCIPLES)
    for result in data["principles"].values():
        assert {"verdict", "score", "findings"} <= set(result)
        assert 0 <= result["score"] <= 1
    blocs = data["principles"]["no_unilateral_control"]["blocs"]
    assert list(blocs["stakeholder_group"]) == list(GROUPS)
    assert list(blocs["region"]) == list(REGIONS)
    assert blocs["region"]["africa"] == {"controls": False, "veto": True, "banzhaf": 0.5}
    assert blocs["region"]["eastern_europe"] == {"controls": False, "veto": False, "banzhaf": 0.0}


def test_an_empty_record_is_unknown_where_nothing_is_known_and_fails_transparency():
    result = run(ProcessFacts())
    verdicts = {key: p.verdict for key, p in result.principles.items()}
    assert verdicts == {"stakeholders": "unknown", "transparency": "fails",
                        "global": "unknown", "no_unilateral_control": "unknown"}


@pytest.mark.parametrize("facts", [
    ProcessFacts(participants=[Participant("academia", "africa")]),
    ProcessFacts(participants=[Participant("government", "europe")]),
    ProcessFacts(decision_rule=DecisionRule.from_dict({"kind": "vote", "chambers": [
        {"name": "Council", "pass": "majority",
         "seats": [{"stakeholder_group": "governments", "region": "africa"}]}]})),
    ProcessFacts(decision_rule=DecisionRule("unilateral", decider={"region": "europe"})),
])
def test_a_participant_seat_or_decider_outside_the_vocabulary_is_refused(facts):
    with pytest.raises(ValueError, match="is not in the vocabulary"):
        run(facts)
