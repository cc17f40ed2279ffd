"""Feedback through the JSON API: submitting, receipts, moderation, answers and the summary."""

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func

from clearinghouse.extensions import db
from clearinghouse.feedback.models import ModerationDecision, Submission
from clearinghouse.vocabulary import REGIONS, STAKEHOLDER_GROUPS

MiB = 1024 * 1024


def submit(client, consultation_id, body):
    return client.post(f"/api/v1/consultations/{consultation_id}/submissions", json=body)


def submitted(client, consultation_id, body) -> tuple[int, str]:
    """Submit, expecting a 201; the submission's id and its receipt's path."""
    response = submit(client, consultation_id, body)
    assert response.status_code == 201, response.json
    return response.json["id"], urlsplit(response.json["receipt_url"]).path


def summary(client, consultation_id) -> dict:
    response = client.get(f"/api/v1/consultations/{consultation_id}/summary")
    assert response.status_code == 200
    return response.json


def listed(client, consultation_id) -> list[dict]:
    response = client.get(f"/api/v1/consultations/{consultation_id}/submissions")
    assert response.status_code == 200
    return response.json["items"]


def stored(app, submission_id: int) -> Submission | None:
    with app.app_context():
        return db.session.get(Submission, submission_id)


def counts(client, app, consultation_id) -> tuple[int, int]:
    """What a refused request must not change: the summary's total and the stored rows."""
    with app.app_context():
        rows = db.session.scalar(db.select(func.count()).select_from(Submission))
    return summary(client, consultation_id)["total"], rows


def decisions(app, submission_id: int) -> list[tuple[str, str, str, str]]:
    """(by, before, after, reason) of every decision on a submission, oldest first."""
    with app.app_context():
        rows = db.session.scalars(db.select(ModerationDecision).where(
            ModerationDecision.submission_id == submission_id).order_by(ModerationDecision.id))
        return [(d.decided_by, d.before, d.after, d.reason) for d in rows]


def assert_problem(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status
    assert response.json["detail"]
    if field is not None:
        assert field in response.json["errors"], response.json
        assert field in response.json["detail"]


@pytest.fixture
def moderator(token_for):
    return token_for("moderator")


@pytest.fixture
def editor(token_for):
    """An editor who does not steward the process."""
    return token_for("editor")


# Submitting


def test_an_accepted_submission_answers_201_with_its_id_status_and_receipt(
        client, open_consultation, submission):
    response = submit(client, open_consultation, submission)
    assert response.status_code == 201
    assert set(response.json) == {"id", "status", "receipt_url"}
    assert response.json["status"] == "published"
    assert response.headers["Location"] == response.json["receipt_url"]
    assert "/api/v1/receipts/" in response.json["receipt_url"]


def test_the_submission_is_stored_before_the_201_arrives(
        app, client, open_consultation, submission):
    submission_id, receipt = submitted(client, open_consultation, submission)
    row = stored(app, submission_id)
    assert (row.status, row.name, row.answers) == ("accepted", "Ama Mensah",
                                                   submission["answers"])
    assert receipt.rsplit("/", 1)[1] not in row.receipt_hash  # only a hash is kept


def test_a_submission_without_consent_is_accepted_rather_than_published(
        client, open_consultation, submission):
    response = submit(client, open_consultation, {**submission, "consent_to_publish": False})
    assert response.json["status"] == "accepted"


def test_a_submission_to_a_premoderated_consultation_is_pending(
        client, premoderated_consultation, submission):
    response = submit(client, premoderated_consultation, submission)
    assert response.status_code == 201
    assert response.json["status"] == "pending"


def test_the_region_is_derived_from_the_country(client, open_consultation, submission):
    submitted(client, open_consultation, {**submission, "country": "br"})
    [item] = listed(client, open_consultation)
    assert (item["country"], item["region"]) == ("BR", "latin_america_caribbean")
    assert summary(client, open_consultation)["matrix"]["civil_society"][
        "latin_america_caribbean"] == 1


def test_a_published_submission_is_listed_with_its_name_and_organisation(
        client, open_consultation, submission):
    submission_id, _ = submitted(client, open_consultation, submission)
    [item] = listed(client, open_consultation)
    assert item["id"] == submission_id
    assert (item["name"], item["organisation"]) == ("Ama Mensah", "Accra Digital Rights Hub")
    assert item["answers"] == submission["answers"]


def test_an_anonymous_submission_publishes_no_name_or_organisation(
        client, open_consultation, submission):
    _id, receipt = submitted(client, open_consultation, {**submission, "anonymous": True})
    [item] = listed(client, open_consultation)
    assert item["name"] is None
    assert item["organisation"] is None
    assert "Ama Mensah" not in json.dumps(item)
    assert client.get(receipt).json["name"] == "Ama Mensah"  # its submitter still sees it


def test_a_submission_without_consent_is_counted_but_never_listed(
        client, open_consultation, submission):
    submitted(client, open_consultation, {**submission, "consent_to_publish": False})
    assert listed(client, open_consultation) == []
    result = summary(client, open_consultation)
    assert result["total"] == 1
    assert result["questions"]["q1"]["counts"]["4"] == 1


# Refusals: a 4xx in problem+json, and nothing changes

BAD_FIELDS = [
    pytest.param({"stakeholder_group": "media"}, "stakeholder_group", id="unknown group"),
    pytest.param({"country": "XX"}, "country", id="bad country"),
    pytest.param({"answers": {"q1": 0}}, "answers.q1", id="scale answer 0"),
    pytest.param({"answers": {"q1": 6}}, "answers.q1", id="scale answer 6"),
    pytest.param({"answers": {"q1": "4"}}, "answers.q1", id="scale answer as a string"),
    pytest.param({"answers": {"q1": True}}, "answers.q1", id="scale answer true"),
    pytest.param({"answers": {"q1": 4.0}}, "answers.q1", id="scale answer 4.0"),
    pytest.param({"answers": {"q2": "price"}}, "answers.q2", id="unknown option"),
    pytest.param({"answers": {"q3": "a"}}, "answers.q3", id="multiple given as a string"),
    pytest.param({"answers": {"q3": ["a", "z"]}}, "answers.q3",
                 id="multiple with an unknown option"),
    pytest.param({"answers": {"q3": [["a"]]}}, "answers.q3", id="multiple of lists"),
    pytest.param({"answers": {"q4": "x" * 5001}}, "answers.q4", id="oversize text answer"),
    pytest.param({"answers": {"q4": "Nul\x00byte"}}, "answers.q4",
                 id="control characters in a text answer"),
    pytest.param({"answers": {"q9": 3}}, "answers.q9", id="unknown question"),
    pytest.param({"comments": [{"section": "7", "text": "Hm."}]}, "comments.0.section",
                 id="comment on an unknown section"),
    pytest.param({"comment": "x" * 10_001}, "comment", id="oversize comment"),
    pytest.param({"comment": "Ring\x07the bell"}, "comment", id="control characters"),
    pytest.param({"comments": [{"section": "1", "text": "Nul\x00byte"}]}, "comments.0.text",
                 id="control characters in a section comment"),
    pytest.param({"on_behalf_of_organisation": True, "organisation": ""}, "organisation",
                 id="organisation unnamed"),
    pytest.param({"favourite_colour": "blue"}, "favourite_colour", id="unknown field"),
    pytest.param({"region": "africa"}, "region", id="region sent by the client"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_FIELDS)
def test_a_bad_submission_is_refused_naming_the_field_and_changes_no_count(
        app, client, open_consultation, submission, changes, field):
    submitted(client, open_consultation, submission)
    before = counts(client, app, open_consultation)
    response = submit(client, open_consultation, {**submission, **changes})
    assert_problem(response, 422, field)
    assert counts(client, app, open_consultation) == before


def body_with_comment(submission: dict, comment: bytes) -> bytes:
    return json.dumps({**submission, "comment": "COMMENT"}).encode().replace(b"COMMENT", comment)


def deeply_nested(_submission: dict) -> bytes:
    return b'{"comment": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


BAD_BODIES = [
    pytest.param(lambda s: json.dumps(s).encode()[:-5], "application/json", 400,
                 id="malformed JSON"),
    pytest.param(lambda s: json.dumps([s]).encode(), "application/json", 400, id="a JSON list"),
    pytest.param(lambda s: b'"feedback"', "application/json", 400, id="a JSON string"),
    pytest.param(deeply_nested, "application/json", 400, id="JSON nested too deep"),
    pytest.param(lambda s: json.dumps({**s, "name": "Ama \udfff"}).encode(),
                 "application/json", 400, id="a lone surrogate escape"),
    pytest.param(lambda s: json.dumps({**s, "answers": {"q4": "\ud800"}}).encode(),
                 "application/json", 400, id="a lone surrogate escape in an answer"),
    pytest.param(lambda s: body_with_comment(s, b"caf\xe9"), "application/json", 400,
                 id="bad UTF-8"),
    pytest.param(lambda s: body_with_comment(s, b"x" * MiB), "application/json", 413,
                 id="oversize body"),
    pytest.param(lambda s: json.dumps(s).encode(), "text/plain", 415, id="wrong content type"),
    pytest.param(lambda s: b"country=GH", "application/x-www-form-urlencoded", 415,
                 id="a form"),
]


@pytest.mark.parametrize(("make_body", "content_type", "status"), BAD_BODIES)
def test_a_body_that_is_not_a_usable_json_object_is_refused_and_changes_no_count(
        app, client, open_consultation, submission, make_body, content_type, status):
    submitted(client, open_consultation, submission)
    before = counts(client, app, open_consultation)
    response = client.post(f"/api/v1/consultations/{open_consultation}/submissions",
                           data=make_body(submission), content_type=content_type)
    assert_problem(response, status)
    assert counts(client, app, open_consultation) == before


@pytest.mark.parametrize("state", ["closed_consultation", "upcoming_consultation"])
def test_a_consultation_that_is_not_open_refuses_feedback_with_409(
        request, app, client, open_consultation, submission, state):
    consultation_id = request.getfixturevalue(state)
    before = counts(client, app, consultation_id)
    response = submit(client, consultation_id, submission)
    assert_problem(response, 409)
    assert "not accepting feedback" in response.json["detail"]
    assert counts(client, app, consultation_id) == before


def test_feedback_to_an_unknown_consultation_is_404(app, client, open_consultation, submission):
    before = counts(client, app, open_consultation)
    assert_problem(submit(client, open_consultation + 1000, submission), 404)
    assert counts(client, app, open_consultation) == before


# Receipts


def test_the_receipt_shows_the_submission_and_its_status(client, open_consultation, submission):
    submission_id, receipt = submitted(client, open_consultation, submission)
    response = client.get(receipt)
    assert response.status_code == 200
    assert response.json["id"] == submission_id
    assert response.json["status"] == "accepted"
    assert response.json["consent_to_publish"] is True
    assert response.json["consultation_id"] == open_consultation


def test_amending_through_the_receipt_changes_the_answers_in_the_summary(
        app, client, open_consultation, submission):
    _id, receipt = submitted(client, open_consultation, submission)
    amended = {**submission, "answers": {**submission["answers"], "q1": 2, "q3": ["b"]}}
    response = client.put(receipt, json=amended)
    assert response.status_code == 200
    assert response.json["answers"]["q1"] == 2
    questions = summary(client, open_consultation)["questions"]
    assert questions["q1"]["counts"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert questions["q3"]["counts"] == {"a": 0, "b": 1, "c": 0}
    assert counts(client, app, open_consultation) == (1, 1)


def test_an_amendment_is_checked_like_a_submission(app, client, open_consultation, submission):
    _id, receipt = submitted(client, open_consultation, submission)
    response = client.put(receipt, json={**submission, "answers": {"q1": 6}})
    assert_problem(response, 422, "answers.q1")
    assert summary(client, open_consultation)["questions"]["q1"]["counts"]["4"] == 1


@pytest.mark.parametrize(("body", "reason"), [
    ({"reason": "I spoke too soon."}, "I spoke too soon."),
    ({}, "withdrawn by the submitter"),
])
def test_withdrawing_hides_the_submission_but_keeps_it_with_the_decision(
        app, client, open_consultation, submission, body, reason):
    submission_id, receipt = submitted(client, open_consultation, submission)
    response = client.post(f"{receipt}/withdraw", json=body)
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert listed(client, open_consultation) == []
    assert summary(client, open_consultation)["total"] == 0
    assert stored(app, submission_id).status == "withdrawn"
    assert decisions(app, submission_id) == [("the submitter", "accepted", "withdrawn", reason)]
    assert client.get(receipt).json["status"] == "withdrawn"


def test_a_withdrawn_submission_cannot_be_amended(client, open_consultation, submission):
    _id, receipt = submitted(client, open_consultation, submission)
    client.post(f"{receipt}/withdraw", json={})
    assert_problem(client.put(receipt, json=submission), 409)
    assert summary(client, open_consultation)["total"] == 0


def test_after_the_consultation_closes_a_receipt_can_neither_amend_nor_withdraw(
        app, client, open_consultation, submission, close_now):
    submission_id, receipt = submitted(client, open_consultation, submission)
    close_now(open_consultation)
    assert_problem(client.put(receipt, json={**submission, "answers": {"q1": 1}}), 409)
    assert_problem(client.post(f"{receipt}/withdraw", json={}), 409)
    assert client.get(receipt).json["status"] == "accepted"
    assert summary(client, open_consultation)["questions"]["q1"]["counts"]["4"] == 1
    assert decisions(app, submission_id) == []


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("get", "", None), ("put", "", "submission"), ("post", "/withdraw", {})])
def test_an_unknown_receipt_is_404(client, open_consultation, submission, method, suffix, body):
    submitted(client, open_consultation, submission)
    body = submission if body == "submission" else body
    response = getattr(client, method)(f"/api/v1/receipts/not-a-real-token{suffix}", json=body)
    assert_problem(response, 404)


# Moderation


def test_a_premoderated_submission_is_neither_counted_nor_listed_until_approved(
        app, client, premoderated_consultation, submission, moderator):
    submission_id, _ = submitted(client, premoderated_consultation, submission)
    assert summary(client, premoderated_consultation)["total"] == 0
    assert listed(client, premoderated_consultation) == []
    queue = client.get("/api/v1/moderation", headers=moderator).json["items"]
    assert [item["id"] for item in queue] == [submission_id]
    response = client.post(f"/api/v1/submissions/{submission_id}/moderation", headers=moderator,
                           json={"action": "approve", "reason": "On topic."})
    assert response.status_code == 200
    assert response.json["status"] == "accepted"
    assert [item["id"] for item in listed(client, premoderated_consultation)] == [submission_id]
    assert summary(client, premoderated_consultation)["total"] == 1
    assert client.get("/api/v1/moderation", headers=moderator).json["items"] == []
    assert decisions(app, submission_id) == [
        ("moderator-api", "pending", "accepted", "On topic.")]


def test_a_rejection_needs_a_reason_is_logged_and_keeps_the_row(
        app, client, premoderated_consultation, submission, moderator):
    submission_id, receipt = submitted(client, premoderated_consultation, submission)
    url = f"/api/v1/submissions/{submission_id}/moderation"
    assert_problem(client.post(url, headers=moderator, json={"action": "reject"}), 422, "reason")
    assert stored(app, submission_id).status == "pending"
    response = client.post(url, headers=moderator,
                           json={"action": "reject", "reason": "Advertising."})
    assert response.json["status"] == "rejected"
    assert decisions(app, submission_id) == [
        ("moderator-api", "pending", "rejected", "Advertising.")]
    assert stored(app, submission_id).status == "rejected"
    assert summary(client, premoderated_consultation)["total"] == 0
    assert listed(client, premoderated_consultation) == []
    assert client.get(receipt).json["status"] == "rejected"


def test_an_amended_premoderated_submission_waits_for_a_moderator_again(
        client, premoderated_consultation, submission, moderator):
    submission_id, receipt = submitted(client, premoderated_consultation, submission)
    client.post(f"/api/v1/submissions/{submission_id}/moderation", headers=moderator,
                json={"action": "approve", "reason": "On topic."})
    assert client.put(receipt, json=submission).json["status"] == "pending"
    assert listed(client, premoderated_consultation) == []
    assert summary(client, premoderated_consultation)["total"] == 0


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403)])
@pytest.mark.parametrize("action", ["queue", "decide"])
def test_moderation_needs_a_moderator_token(
        request, app, client, premoderated_consultation, submission, who, status, action):
    submission_id, _ = submitted(client, premoderated_consultation, submission)
    headers = request.getfixturevalue(who) if who else {}
    if action == "queue":
        response = client.get("/api/v1/moderation", headers=headers)
    else:
        response = client.post(f"/api/v1/submissions/{submission_id}/moderation",
                               headers=headers, json={"action": "approve", "reason": "Fine."})
    assert_problem(response, status)
    assert stored(app, submission_id).status == "pending"


def test_a_withdrawn_submission_is_no_longer_for_moderation(
        app, client, premoderated_consultation, submission, moderator):
    submission_id, receipt = submitted(client, premoderated_consultation, submission)
    client.post(f"{receipt}/withdraw", json={})
    response = client.post(f"/api/v1/submissions/{submission_id}/moderation", headers=moderator,
                           json={"action": "approve", "reason": "Fine."})
    assert_problem(response, 409)
    assert stored(app, submission_id).status == "withdrawn"


def test_reporting_a_published_submission_puts_it_in_the_moderation_queue(
        app, client, open_consultation, submission, moderator):
    submission_id, _ = submitted(client, open_consultation, submission)
    assert client.get("/api/v1/moderation", headers=moderator).json["items"] == []
    response = client.post(f"/api/v1/submissions/{submission_id}/report",
                           json={"reason": "It names a private person."})
    assert response.status_code == 202
    queue = client.get("/api/v1/moderation", headers=moderator).json["items"]
    assert [item["id"] for item in queue] == [submission_id]
    assert decisions(app, submission_id)[-1][3] == "Reported: It names a private person."
    client.post(f"/api/v1/submissions/{submission_id}/moderation", headers=moderator,
                json={"action": "reject", "reason": "Personal data."})
    assert listed(client, open_consultation) == []
    assert client.get("/api/v1/moderation", headers=moderator).json["items"] == []


def test_only_a_published_submission_can_be_reported(
        client, premoderated_consultation, submission):
    submission_id, _ = submitted(client, premoderated_consultation, submission)
    response = client.post(f"/api/v1/submissions/{submission_id}/report",
                           json={"reason": "Spam."})
    assert_problem(response, 404)


# What the process answers


def test_a_stewards_response_appears_beside_the_feedback(
        client, open_consultation, submission, steward):
    submission_id, _ = submitted(client, open_consultation, submission)
    url = f"/api/v1/consultations/{open_consultation}/responses"
    response = client.post(url, headers=steward, json={
        "submission_id": submission_id, "text": "Section 2 now covers affordability."})
    assert response.status_code == 201
    [answer] = client.get(url).json
    assert (answer["submission_id"], answer["author"]) == (submission_id, "Steward")
    assert answer["text"] == "Section 2 now covers affordability."


def test_a_stewards_response_appears_in_the_process_history(
        client, open_consultation, submission, steward, process):
    submitted(client, open_consultation, submission)
    client.post(f"/api/v1/consultations/{open_consultation}/responses", headers=steward,
                json={"theme": "Affordability", "text": "We heard you."})
    history = client.get(f"/api/v1/processes/{process}/history").json["items"]
    assert history[0]["action"] == "answered"
    assert history[0]["after"]["text"] == "We heard you."


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403)])
def test_only_a_steward_of_the_process_may_respond(
        request, client, open_consultation, who, status):
    headers = request.getfixturevalue(who) if who else {}
    url = f"/api/v1/consultations/{open_consultation}/responses"
    assert_problem(client.post(url, headers=headers, json={"theme": "Cost", "text": "Noted."}),
                   status)
    assert client.get(url).json == []


# The summary


def test_the_summary_lists_every_group_and_region_and_tallies_each_question(
        client, open_consultation, submission):
    submitted(client, open_consultation, submission)
    submitted(client, open_consultation, {**submission, "comment": "Spectrum for all."})
    submitted(client, open_consultation, {
        **submission, "stakeholder_group": "government", "country": "FR",
        "answers": {"q1": 2, "q2": "cost", "q3": ["b"]}})
    result = summary(client, open_consultation)
    assert result["total"] == 3
    assert result["by_stakeholder_group"] == {**dict.fromkeys(STAKEHOLDER_GROUPS, 0),
                                              "civil_society": 2, "government": 1}
    assert result["by_region"] == {**dict.fromkeys(REGIONS, 0), "africa": 2,
                                   "western_europe_others": 1}
    assert set(result["matrix"]) == set(STAKEHOLDER_GROUPS)
    assert all(set(row) == set(REGIONS) for row in result["matrix"].values())
    assert result["matrix"]["government"]["western_europe_others"] == 1
    q1 = result["questions"]["q1"]
    assert q1["counts"] == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 0}
    assert q1["by_stakeholder_group"]["civil_society"]["4"] == 2
    assert q1["by_stakeholder_group"]["government"]["2"] == 1
    assert set(q1["by_stakeholder_group"]) == set(STAKEHOLDER_GROUPS)
    assert result["questions"]["q2"]["counts"] == {"cost": 1, "skills": 2, "content": 0}
    assert result["questions"]["q3"]["counts"] == {"a": 2, "b": 1, "c": 2}
    assert result["questions"]["q4"] == {"answered": 2}
    assert isinstance(result["key_terms"], list)
    assert "spectrum" in result["key_terms"]


def test_the_summary_warns_when_one_group_supplies_more_than_half(
        client, open_consultation, submission):
    submitted(client, open_consultation, submission)
    submitted(client, open_consultation, {**submission, "stakeholder_group": "government",
                                          "country": "FR"})
    assert summary(client, open_consultation)["warnings"] == []
    submitted(client, open_consultation, {**submission, "country": "BR"})
    assert summary(client, open_consultation)["warnings"] == [
        "Over half of the responses (2 of 3) come from one stakeholder group: Civil society."]


def test_identical_texts_are_counted_as_one_campaign_with_every_signatory(
        client, open_consultation, submission):
    for country in ("GH", "KE", "NG"):
        submitted(client, open_consultation, {**submission, "country": country})
    result = summary(client, open_consultation)
    assert result["total"] == 3
    assert [c["signatories"] for c in result["campaigns"]] == [3]
    assert result["campaigns"][0]["excerpt"] == submission["comment"]


# Rate limit


def test_past_the_rate_limit_one_address_gets_429_with_retry_after(
        app, client, open_consultation, submission):
    app.config["SUBMISSION_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        submitted(client, open_consultation, submission)
    response = submit(client, open_consultation, submission)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    assert counts(client, app, open_consultation) == (3, 3)
