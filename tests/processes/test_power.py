"""P4 bloc power: pass rules at their boundaries, controls, vetoes, exact Banzhaf indices,
the verdicts SPEC section 4 gives each decision rule, and properties of any seating."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.processes.power import (
    DIMENSIONS,
    PASS_RULES,
    BlocPower,
    Chamber,
    DecisionRule,
    Seat,
    analyse,
    assess_control,
    coalition_passes,
)

GROUPS = ("government", "private_sector", "civil_society", "technical_academic",
          "intergovernmental")
REGIONS = ("africa", "asia_pacific", "eastern_europe", "latin_america_caribbean",
           "western_europe_others")
VOCABULARY = {"stakeholder_group": GROUPS, "region": REGIONS}
LABELS = {"government": "Government", "civil_society": "Civil society", "africa": "Africa"}


def council(rule, *seats, name="Council"):
    """A chamber from (group, region, count[, weight]) tuples."""
    return Chamber(name, rule, tuple(Seat(*seat) for seat in seats))


def vote(*chambers):
    return DecisionRule("vote", chambers)


def one_each(count=1):
    """One row per group, the i-th group from the i-th region: every bloc seated equally."""
    return tuple(Seat(g, r, count) for g, r in zip(GROUPS, REGIONS, strict=True))


def control(rule, participants=()):
    return assess_control(rule, participants, VOCABULARY, LABELS)


def powers(report, dimension="stakeholder_group"):
    return report.blocs[dimension]


@pytest.mark.parametrize(("rule", "held", "total", "passes"), [
    ("majority", 6, 10, True),
    ("majority", 5, 10, False),  # exactly half is not a majority
    ("three_fifths", 6, 10, True),
    ("three_fifths", 5, 10, False),
    ("two_thirds", 6, 9, True),  # exactly two-thirds
    ("two_thirds", 5, 9, False),  # one seat short
    ("two_thirds", 20, 30, True),
    ("two_thirds", 19, 30, False),
    ("unanimous", 10, 10, True),
    ("unanimous", 9, 10, False),
])
def test_a_chamber_passes_exactly_from_its_rules_share(rule, held, total, passes):
    chamber = council(rule, ("government", "africa", held),
                      ("civil_society", "africa", total - held))
    assert chamber.passes(chamber.weight_of("stakeholder_group", {"government"})) is passes


def test_decimal_weights_are_exact_so_two_thirds_of_tenths_passes_two_thirds():
    chamber = council("two_thirds", ("government", "africa", 20, 0.1),
                      ("civil_society", "asia_pacific", 10, 0.1))
    assert chamber.weight_of("stakeholder_group", {"government"}) == Fraction(2)
    assert chamber.passes(Fraction(2))


@pytest.mark.parametrize(("weights", "expected"), [
    ((50, 49, 1), (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))),
    ((4, 3, 2), (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))),
    ((6, 2, 2), (Fraction(1), Fraction(0), Fraction(0))),
])
def test_banzhaf_indices_match_hand_counts_of_critical_coalitions(weights, expected):
    seats = [(g, "africa", w) for g, w in zip(GROUPS, weights, strict=False)]
    result = analyse([council("majority", *seats)], "stakeholder_group", GROUPS)
    assert tuple(result[g].banzhaf for g in GROUPS[:3]) == expected
    assert result["technical_academic"].banzhaf == 0


def test_a_majority_in_one_chamber_is_not_control_when_another_chamber_must_also_pass():
    chambers = [council("majority", ("government", "africa", 6), ("civil_society", "africa", 4)),
                council("majority", ("government", "africa", 2), ("civil_society", "africa", 8),
                        name="Assembly")]
    result = analyse(chambers, "stakeholder_group", GROUPS)
    assert result["government"] == BlocPower(controls=False, veto=True, banzhaf=Fraction(1, 2))
    assert result["civil_society"] == BlocPower(controls=False, veto=True, banzhaf=Fraction(1, 2))


def test_a_bloc_with_a_majority_of_seats_controls_and_p4_fails_with_a_finding_citing_them():
    report = control(vote(council("majority", ("government", "africa", 6),
                                  ("civil_society", "asia_pacific", 4))))
    assert report.verdict == "fails"
    assert report.score == 0
    assert powers(report)["government"] == BlocPower(True, True, Fraction(1))
    assert ("The Government bloc holds 6 of 10 seats in the Council (more than half needed): "
            "it can decide alone.") in report.findings


def test_a_veto_finding_names_the_chamber_where_the_others_fall_short():
    report = control(vote(council("two_thirds", ("government", "africa", 4),
                                  ("civil_society", "africa", 6))))
    assert ("Without the Government bloc, the others hold 6 of 10 seats in the Council "
            "(two-thirds needed): it can block.") in report.findings


def test_unanimity_with_every_bloc_seated_meets_p4_and_shares_power_equally():
    report = control(vote(Chamber("Council", "unanimous", one_each())))
    assert (report.verdict, report.score) == ("meets", 1.0)
    for dimension in DIMENSIONS:
        assert set(powers(report, dimension).values()) == {BlocPower(False, True, Fraction(1, 5))}


def test_a_simple_majority_of_five_equal_blocs_is_partial_since_each_can_be_outvoted():
    report = control(vote(Chamber("Council", "majority", one_each())))
    assert (report.verdict, report.score) == ("partial", 0.0)
    assert "it can be outvoted" in report.findings[1]


def test_chambers_where_every_group_holds_a_veto_but_regions_do_not_give_partial():
    # One chamber per group, each spread evenly over the regions: every group must agree,
    # while any three regions hold a majority in every chamber.
    chambers = [Chamber(g, "majority", tuple(Seat(g, r) for r in REGIONS)) for g in GROUPS]
    report = control(vote(*chambers))
    assert report.verdict == "partial"
    assert all(p.veto and not p.controls for p in powers(report).values())
    assert not any(p.veto or p.controls for p in powers(report, "region").values())
    assert report.score == 0.5


def test_a_unanimous_chamber_missing_regions_gives_partial_since_the_absent_hold_no_veto():
    seats = [Seat(g, REGIONS[i % 3]) for i, g in enumerate(GROUPS)]
    report = control(vote(Chamber("Council", "unanimous", seats)))
    assert report.verdict == "partial"
    assert not powers(report, "region")["western_europe_others"].veto
    assert ("latin_america_caribbean and western_europe_others hold no seats, so they cannot "
            "block.") in report.findings


def test_consensus_with_every_group_and_region_present_meets_p4():
    report = control(DecisionRule("consensus"), one_each(3))
    assert report.verdict == "meets"
    assert report.findings[0] == ("Decisions are taken by consensus: each of the 15 "
                                  "participants can block.")


def test_consensus_with_a_group_absent_is_partial_not_meets():
    participants = (*one_each()[:4], Seat("government", "western_europe_others"))
    report = control(DecisionRule("consensus"), participants)
    assert report.verdict == "partial"
    assert powers(report)["intergovernmental"] == BlocPower(False, False, Fraction(0))
    assert powers(report)["government"] == BlocPower(False, True, Fraction(1, 4))
    assert "No participants come from intergovernmental, so they cannot block." in report.findings


def test_consensus_among_participants_from_one_region_lets_that_region_decide_alone():
    # Consensus is unanimity among those present: if all are from one region, that region's
    # participants pass a decision by themselves, which is SPEC's definition of control.
    participants = tuple(Seat(g, "africa") for g in GROUPS)
    report = control(DecisionRule("consensus"), participants)
    assert report.verdict == "fails"
    assert powers(report, "region")["africa"].controls
    assert "Every participant comes from Africa: under consensus, that region can decide alone." \
        in report.findings


@pytest.mark.parametrize("decider", [{"stakeholder_group": "government"}, {"region": "africa"},
                                     {"stakeholder_group": "government", "region": "africa"}])
def test_a_unilateral_decider_controls_and_p4_fails(decider):
    report = control(DecisionRule("unilateral", decider=decider), one_each())
    assert (report.verdict, report.score) == ("fails", 0.0)
    for dimension in DIMENSIONS:
        bloc, result = decider.get(dimension), powers(report, dimension)
        if bloc is None:
            assert set(result.values()) == {BlocPower()}
        else:
            assert result[bloc] == BlocPower(True, True, Fraction(1))
            assert {p for b, p in result.items() if b != bloc} == {BlocPower(False, False, 0)}


@pytest.mark.parametrize(("rule", "phrase"), [
    (DecisionRule("rough_consensus"), "rough consensus"),
    (None, "No decision rule is recorded"),
])
def test_rules_that_cannot_be_counted_are_unknown_with_a_finding_and_no_power_figures(rule, phrase):
    report = control(rule, one_each())
    assert (report.verdict, report.score) == ("unknown", 0.0)
    assert phrase in report.findings[0]
    for dimension in DIMENSIONS:
        assert set(powers(report, dimension)) == set(VOCABULARY[dimension])
        assert set(powers(report, dimension).values()) == {BlocPower(None, None, None)}


@pytest.mark.parametrize("rule", [DecisionRule("vote"),
                                  vote(Chamber("Plenary", "majority")),
                                  DecisionRule("consensus")])
def test_a_rule_with_no_seats_and_no_participants_is_unknown(rule):
    assert control(rule).verdict == "unknown"


def test_a_vote_without_seats_gives_each_participant_one_seat_in_one_chamber():
    participants = (Seat("government", "africa", 6), Seat("civil_society", "asia_pacific", 4))
    report = control(DecisionRule("vote"), participants)
    assert report.verdict == "fails"
    assert "6 of 10 seats in the plenary" in report.findings[1]


def test_a_chamber_without_seats_seats_the_participants_beside_a_seated_chamber():
    participants = one_each()
    board = council("majority", ("government", "africa", 1))
    report = control(vote(board, Chamber("Assembly", "unanimous")), participants)
    assert powers(report)["government"] == BlocPower(False, True, Fraction(1, 5))


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "poll"}, r"^kind: 'poll'"),
    ({"kind": "unilateral"}, r"^decider: "),
    ({"kind": "unilateral", "decider": {"country": "KE"}}, r"^decider: 'country'"),
    ({"kind": "vote", "chambers": [{"name": "C", "pass": "most"}]}, r"^pass: 'most'"),
    ({"kind": "vote", "chambers": [{"seats": [
        {"stakeholder_group": "government", "region": "africa", "count": -1}]}]}, r"^count: "),
    ({"kind": "vote", "chambers": [{"seats": [
        {"stakeholder_group": "government", "region": "africa", "weight": "x"}]}]}, r"^weight: "),
    ({"kind": "vote", "chambers": [{"seats": [
        {"stakeholder_group": "government", "region": "africa", "weight": float("nan")}]}]},
     r"^weight: nan is not a finite number"),
])
def test_a_bad_decision_rule_is_refused_naming_the_bad_key(data, message):
    with pytest.raises(ValueError, match=message):
        DecisionRule.from_dict(data)


def test_a_decision_rule_reads_specs_json_shape():
    rule = DecisionRule.from_dict({"kind": "vote", "chambers": [
        {"name": "Council", "pass": "two_thirds",
         "seats": [{"stakeholder_group": "government", "region": "africa",
                    "count": 3, "weight": 1}]}]})
    assert rule == vote(council("two_thirds", ("government", "africa", 3, 1)))


def test_bloc_power_rounds_banzhaf_to_four_places_for_json():
    assert BlocPower(False, True, Fraction(1, 3)).as_dict() == {
        "controls": False, "veto": True, "banzhaf": 0.3333}


# Properties of any seating. Every chamber drawn has some weight, as assess_control
# guarantees before it analyses (an empty chamber makes P4 unknown).

weights = st.one_of(st.integers(0, 3), st.fractions(min_value=0, max_value=3, max_denominator=6))
seats = st.builds(Seat, st.sampled_from(GROUPS), st.sampled_from(REGIONS), st.integers(0, 4),
                  weights)
chambers = st.builds(Chamber, st.sampled_from(["Council", "Assembly"]),
                     st.sampled_from(list(PASS_RULES)),
                     st.lists(seats, min_size=1, max_size=6).map(tuple)).filter(lambda c: c.total)
seatings = st.lists(chambers, min_size=1, max_size=3)
dimensions = st.sampled_from(DIMENSIONS)
quick = settings(max_examples=60, deadline=None)


@quick
@given(seatings, dimensions)
def test_the_whole_table_passes_so_banzhaf_indices_sum_to_one(seating, dimension):
    blocs = VOCABULARY[dimension]
    assert coalition_passes(seating, dimension, blocs)
    assert sum(power.banzhaf for power in analyse(seating, dimension, blocs).values()) == 1


@quick
@given(seatings, dimensions)
def test_a_bloc_that_controls_has_index_one_and_every_other_bloc_zero(seating, dimension):
    # Holds for any chambers and rules: each rule needs more than half of a chamber's
    # weight, so once a bloc passes every chamber alone, the rest cannot pass any of them
    # and can never be critical: the controlling bloc is a dictator.
    result = analyse(seating, dimension, VOCABULARY[dimension])
    for bloc, power in result.items():
        if power.controls:
            assert power.veto and power.banzhaf == 1
            assert all(p.banzhaf == 0 and not p.controls for b, p in result.items() if b != bloc)


@quick
@given(seatings, dimensions)
def test_a_bloc_with_no_seats_has_index_zero_and_no_veto(seating, dimension):
    result = analyse(seating, dimension, VOCABULARY[dimension])
    for bloc, power in result.items():
        if all(chamber.weight_of(dimension, {bloc}) == 0 for chamber in seating):
            assert power == BlocPower(controls=False, veto=False, banzhaf=Fraction(0))


@quick
@given(seatings, st.data())
def test_verdict_and_indices_do_not_depend_on_the_order_of_seats_or_chambers(seating, data):
    shuffled = [Chamber(c.name, c.pass_rule, tuple(data.draw(st.permutations(c.seats))))
                for c in data.draw(st.permutations(seating))]
    before, after = control(vote(*seating)), control(vote(*shuffled))
    assert (after.verdict, after.score, after.blocs) == (before.verdict, before.score, before.blocs)
