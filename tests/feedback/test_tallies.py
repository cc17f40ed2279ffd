"""The summary's running tallies always equal a count made afresh from the submissions."""

from urllib.parse import urlsplit

from clearinghouse.database import transaction
from clearinghouse.feedback import service, tallies

CAMPAIGN = "We ask that community networks get spectrum at no cost in every region."


def body(group="civil_society", country="GH", q1=4, comment="Rural access first.", **extra):
    return {"stakeholder_group": group, "country": country, "anonymous": True,
            "consent_to_publish": True, "comment": comment,
            "answers": {"q1": q1, "q2": "skills", "q3": ["a", "c"], "q4": "More funding."},
            **extra}


def send(client, consultation_id, data) -> tuple[int, str]:
    response = client.post(f"/api/v1/consultations/{consultation_id}/submissions", json=data)
    assert response.status_code == 201, response.json
    return response.json["id"], urlsplit(response.json["receipt_url"]).path


def summaries_now_and_recounted(app, consultation_id) -> tuple[dict, dict]:
    with app.app_context():
        kept = service.summary(consultation_id, {})
        with transaction() as session:
            tallies.recount(session, [consultation_id])
        return kept, service.summary(consultation_id, {})


def test_submitting_amending_and_withdrawing_keep_the_tallies_exact(
        app, client, open_consultation):
    for group, country in (("government", "FR"), ("private_sector", "BR"), ("civil_society", "IN")):
        send(client, open_consultation, body(group, country))
    for _ in range(3):
        send(client, open_consultation, body(comment=CAMPAIGN))
    _id, receipt = send(client, open_consultation, body("technical_academic", "PL", q1=1))
    assert client.put(receipt, json=body("government", "KE", q1=5, comment=CAMPAIGN)
                      ).status_code == 200
    _id, gone = send(client, open_consultation, body(comment=CAMPAIGN))
    assert client.post(f"{gone}/withdraw", json={}).status_code == 200
    kept, recounted = summaries_now_and_recounted(app, open_consultation)
    assert kept == recounted
    assert kept["total"] == 7
    assert kept["campaigns"][0]["signatories"] == 4
    assert kept["questions"]["q1"]["counts"]["5"] == 1


def test_moderation_moves_the_tallies_both_ways(app, client, premoderated_consultation,
                                                token_for):
    moderator = token_for("moderator")
    ids = [send(client, premoderated_consultation, body(q1=q1))[0] for q1 in (2, 3, 4)]
    for submission_id, action in zip(ids, ("approve", "approve", "reject"), strict=True):
        response = client.post(f"/api/v1/submissions/{submission_id}/moderation",
                               headers=moderator, json={"action": action, "reason": "Read."})
        assert response.status_code == 200
    kept, recounted = summaries_now_and_recounted(app, premoderated_consultation)
    assert kept == recounted
    assert kept["total"] == 2
    assert kept["questions"]["q1"]["counts"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0}
