"""The bundled data loads as a whole, and in an order that links delegations."""

from clearinghouse import seed, vocabulary
from clearinghouse.processes import power, service


def test_processes_that_others_delegate_to_are_seeded_first():
    found = seed.delegations_first([
        {"slug": "coalition", "delegated_to": "treaty"},
        {"slug": "treaty", "delegated_to": "UN Human Rights Council"},
        {"slug": "forum"},
    ])
    slugs = [record["slug"] for record in found]
    assert slugs.index("treaty") < slugs.index("coalition")


def test_a_delegation_cycle_still_seeds_every_record():
    found = seed.delegations_first([{"slug": "a", "delegated_to": "b"},
                                    {"slug": "b", "delegated_to": "a"}])
    assert sorted(record["slug"] for record in found) == ["a", "b"]


def test_the_seeded_delegation_chain_links_registered_processes(runner, app):
    assert runner.invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        oewg = service.get_process("un-oewg-ict-security-2021-2025")
        assert oewg.delegated_process.slug == "un-global-mechanism-ict-security"


def test_the_vocabulary_and_the_engine_name_the_same_rules():
    assert tuple(vocabulary.DECISION_RULES) == power.RULE_KINDS
    assert tuple(vocabulary.PASS_RULES) == tuple(power.PASS_RULES)


def test_check_principles_prints_a_scorecard_with_findings(runner):
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["check-principles", "un-ahc-cybercrime-convention"])
    assert result.exit_code == 0
    assert "No group or region decides alone: fails" in result.output
    assert "The Governments bloc holds 193 of 193 seats" in result.output


def test_check_principles_refuses_an_unknown_process(runner):
    result = runner.invoke(args=["check-principles", "nothing"])
    assert (result.exit_code, "There is no process 'nothing'." in result.output) == (1, True)
