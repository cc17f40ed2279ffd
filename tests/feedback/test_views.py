"""The feedback pages: finding a consultation, sending feedback from the form, the receipt,
downloads, answers beside feedback, and the moderation queue."""

import csv
import io
import re
from html import unescape

from clearinghouse.extensions import db
from clearinghouse.feedback.models import Submission
from tests.conftest import csrf_token
from tests.feedback.conftest import STEWARD

FORM = {"stakeholder_group": "civil_society", "country": "GH", "name": "Ama Mensah",
        "answer-q1": "4", "answer-q2": "skills", "answer-q3": ["a", "c"],
        "comment-2": "Affordability first.", "comment": "General remarks.",
        "language": "en", "consent_to_publish": "on"}


def text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Submission))


def send(client, consultation_id, **fields):
    url = f"/consultations/{consultation_id}"
    data = {**FORM, **fields, "csrf_token": csrf_token(client, url)}
    return client.post(url, data=data)


def test_the_list_says_in_one_line_whether_it_is_worth_my_time(client, open_consultation):
    page = text(client.get("/consultations"))
    assert "Draft recommendations v2" in page
    assert re.search(r"Closes \w{3} \d+, \d{4} \(\d+ days left\) · participants not recorded"
                     r" · by invitation, in person, no fee", page)


def test_a_stakeholder_sends_feedback_from_the_form_and_gets_a_receipt(client, app,
                                                                      open_consultation):
    response = send(client, open_consultation)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    assert "Thank you: your feedback is stored." in text(receipt)
    assert stored(app) == 1
    page = text(client.get(f"/consultations/{open_consultation}"))
    assert "Affordability first." in page
    assert "1 response counted." in page


def test_a_form_with_a_bad_answer_shows_the_error_and_stores_nothing(client, app,
                                                                    open_consultation):
    response = send(client, open_consultation, country="", **{"answer-q2": "money"})
    page = text(response)
    assert response.status_code == 422
    assert "Choose one of: cost, skills, content." in page
    assert 'id="country-error"' in response.get_data(as_text=True)
    assert "General remarks." in page  # what was typed is kept
    assert stored(app) == 0


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client, app, open_consultation):
    response = send(client, open_consultation, website="http://spam.example")
    assert response.status_code == 422
    assert stored(app) == 0


def test_a_closed_consultation_shows_no_form(client, closed_consultation):
    page = text(client.get(f"/consultations/{closed_consultation}"))
    assert "Send my feedback" not in page
    assert "Closed." in page


def test_the_receipt_amends_and_then_withdraws_the_feedback(client, app, open_consultation):
    receipt = send(client, open_consultation).headers["Location"].split("?")[0]
    data = {**FORM, "comment": "Second thoughts.", "csrf_token": csrf_token(client, receipt)}
    assert client.post(receipt, data=data).status_code == 303
    assert "Second thoughts." in text(client.get(f"/consultations/{open_consultation}"))
    withdraw = {"reason": "Changed my mind", "csrf_token": csrf_token(client, receipt)}
    assert client.post(f"{receipt}/withdraw", data=withdraw).status_code == 303
    assert "Withdrawn" in text(client.get(receipt))
    assert "0 responses counted." in text(client.get(f"/consultations/{open_consultation}"))
    assert stored(app) == 1  # kept, hidden


def test_anonymous_feedback_shows_neither_name_nor_organisation(client, open_consultation):
    send(client, open_consultation, anonymous="on", organisation="Accra Digital Rights Hub")
    page = text(client.get(f"/consultations/{open_consultation}"))
    assert "Ama Mensah" not in page
    assert "Accra Digital Rights Hub" not in page


def test_downloads_neutralise_spreadsheet_formulas(client, open_consultation):
    send(client, open_consultation, comment="=HYPERLINK(\"http://evil.example\")")
    body = client.get(f"/consultations/{open_consultation}/submissions.csv")
    assert body.headers["Content-Disposition"].endswith('submissions.csv"')
    [row] = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert row["comment"].startswith("'=")
    summary = client.get(f"/consultations/{open_consultation}/summary.json").json
    assert summary["total"] == 1


def test_downloads_are_filtered_as_the_page_is(client, open_consultation):
    send(client, open_consultation)
    send(client, open_consultation, stakeholder_group="government", country="BR")
    rows = client.get(f"/consultations/{open_consultation}/submissions.json?region=africa").json
    assert [row["country"] for row in rows] == ["GH"]


def test_a_steward_answers_feedback_and_the_answer_shows_beside_it(client, app, steward,
                                                                   open_consultation, make_user):
    send(client, open_consultation)
    form = {"email": STEWARD, "password": "correct horse battery staple",
            "csrf_token": csrf_token(client, "/login")}
    client.post("/login", data=form)
    url = f"/consultations/{open_consultation}"
    answer = {"submission_id": "1", "text": "We added it to section 3.",
              "csrf_token": csrf_token(client, url)}
    assert client.post(f"{url}/responses", data=answer).status_code == 303
    page = text(client.get(url))
    assert page.index("Affordability first.") < page.index(
        "The process answered: We added it to section 3.")


def test_a_moderator_approves_pending_feedback_from_the_queue(client, app, login,
                                                               premoderated_consultation):
    send(client, premoderated_consultation)
    login("moderator")
    page = text(client.get("/moderation"))
    assert "Waiting for a moderator" in page
    decision = {"submission_id": "1", "action": "approve", "reason": "Fine",
                "csrf_token": csrf_token(client, "/moderation")}
    assert client.post("/moderation", data=decision).status_code == 303
    assert "Nothing is waiting." in text(client.get("/moderation"))
    assert "1 response counted." in text(client.get(f"/consultations/{premoderated_consultation}"))


def test_an_editor_may_not_use_the_moderation_queue(client, login):
    login("editor")
    assert client.get("/moderation").status_code == 403


def test_a_steward_opens_a_consultation_from_the_form(client, steward, process):
    client.post("/login", data={"email": STEWARD, "password": "correct horse battery staple",
                                "csrf_token": csrf_token(client, "/login")})
    data = {"process": process, "title": "Call for input", "text": "Tell us.",
            "sections": "1 | Scope\n2 | Findings", "question-0-prompt": "Agree?",
            "question-0-kind": "scale", "question-1-prompt": "Priority?",
            "question-1-kind": "single", "question-1-options": "cost, skills",
            "opens_at": "2026-01-01T00:00", "closes_at": "2099-01-01T00:00",
            "moderation": "post", "csrf_token": csrf_token(client, "/consultations/new")}
    response = client.post("/consultations/new", data=data)
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "Call for input" in page
    assert "Your comment on section 2: Findings (optional)" in page
    assert "1: Strongly disagree" in page
