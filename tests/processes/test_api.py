"""The processes JSON API: records, assessments in SPEC's shape, history and dry runs."""

import pytest

pytestmark = pytest.mark.usefixtures("access_issue")
SLUG = "policy-network-on-meaningful-access"


@pytest.fixture
def editor(token_for):
    return token_for("editor")


def register(client, headers, record):
    response = client.post("/api/v1/processes", json=record, headers=headers)
    assert response.status_code == 201, response.json
    return response


def test_a_registered_process_comes_back_with_derived_regions_and_notice(client, editor, record):
    response = register(client, editor, record)
    assert response.headers["Location"].endswith(f"/api/v1/processes/{SLUG}")
    body = client.get(f"/api/v1/processes/{SLUG}").json
    assert body["participants"][0]["region"] == "africa"
    assert body["events"][0]["notice_days"] == 46
    assert body["verdict"] == "fails"
    assert body["links"]["assessment"].endswith(f"/api/v1/processes/{SLUG}/assessment")


def test_the_assessment_has_spec_shape_with_every_group_and_region(client, editor, record):
    register(client, editor, record)
    assessment = client.get(f"/api/v1/processes/{SLUG}/assessment").json
    assert set(assessment) == {"overall", "profile", "assessed_at", "principles"}
    assert set(assessment["principles"]) == {"stakeholders", "transparency", "global",
                                             "no_unilateral_control"}
    blocs = assessment["principles"]["no_unilateral_control"]["blocs"]
    assert len(blocs["stakeholder_group"]) == 5
    assert len(blocs["region"]) == 5
    assert blocs["stakeholder_group"]["government"] == {
        "controls": True, "veto": True, "banzhaf": 1.0}
    assert ("The Governments bloc holds 6 of 10 seats in the Council (more than half needed): "
            "it can decide alone.") in assessment["principles"]["no_unilateral_control"][
        "findings"]


def test_patching_the_rule_changes_the_verdict_and_the_history_shows_it(client, editor, record):
    register(client, editor, record)
    response = client.patch(f"/api/v1/processes/{SLUG}",
                            json={"decision_rule": {"kind": "consensus"}}, headers=editor)
    assert response.status_code == 200
    actions = [e["action"] for e in client.get(f"/api/v1/processes/{SLUG}/history").json["items"]]
    assert actions == ["verdict_changed", "updated", "created"]


def test_dry_assessment_needs_no_token_and_stores_nothing(client, record):
    response = client.post("/api/v1/assess", json={
        **record, "issues": [], "decision_rule": {"kind": "unilateral",
                                                  "decider": {"stakeholder_group": "government"}}})
    assert response.status_code == 200
    assert response.json["principles"]["no_unilateral_control"]["verdict"] == "fails"
    assert client.get("/api/v1/processes").json["total"] == 0


def test_a_bad_record_is_a_422_naming_every_bad_field(client, editor, record):
    bad = {**record, "name": "", "participants": [
        {"stakeholder_group": "gov", "country": "XX", "count": -1}]}
    response = client.post("/api/v1/processes", json=bad, headers=editor)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "participants.0.stakeholder_group",
                                            "participants.0.country", "participants.0.count"}
    assert client.get("/api/v1/processes").json["total"] == 0


def test_writing_processes_needs_a_staff_token(client, record, token_for):
    assert client.post("/api/v1/processes", json=record).status_code == 401
    moderator = token_for("moderator")
    assert client.post("/api/v1/processes", json=record, headers=moderator).status_code == 403


def test_an_editor_who_does_not_steward_a_process_gets_a_403(client, editor, record, app):
    register(client, editor, record)
    from clearinghouse.auth import service as accounts
    from tests.conftest import PASSWORD
    with app.app_context():
        accounts.create_user({"email": "b@example.org", "role": "editor", "password": PASSWORD})
        _token, secret = accounts.create_token("b@example.org")
    response = client.patch(f"/api/v1/processes/{SLUG}", json={"convener": "Me"},
                            headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


def test_lists_filter_and_refuse_unknown_vocabulary(client, editor, record):
    register(client, editor, record)
    assert client.get("/api/v1/processes?region=africa").json["total"] == 1
    assert client.get("/api/v1/processes?verdict=meets").json["total"] == 0
    response = client.get("/api/v1/processes?region=europe")
    assert response.status_code == 422
    assert "region" in response.json["errors"]
