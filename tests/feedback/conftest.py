"""Consultations to send feedback to, as SPEC section 5 shows one, in every state."""

from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.feedback import service as feedback
from clearinghouse.processes import service as processes

GENEROUS_RATE_LIMIT = "10000 per minute"
STEWARD = "steward@example.org"
SECTIONS = [{"ref": "1", "title": "Scope"}, {"ref": "2", "title": "Findings"}]
QUESTIONS = [
    {"id": "q1", "kind": "scale", "prompt": "Do you agree with section 2?"},
    {"id": "q2", "kind": "single", "prompt": "Priority?", "options": ["cost", "skills", "content"]},
    {"id": "q3", "kind": "multiple", "prompt": "Which ones?", "options": ["a", "b", "c"]},
    {"id": "q4", "kind": "text", "prompt": "Anything else?"},
]


@pytest.fixture
def app(app):
    """The suite's app, with a rate limit no test reaches unless it lowers it."""
    app.config["SUBMISSION_RATE_LIMIT"] = GENEROUS_RATE_LIMIT
    return app


@pytest.fixture
def process(app) -> str:
    """The slug of a registered process, with no steward yet."""
    with app.app_context():
        record = {"name": "Policy Network on Meaningful Access", "stage": "deliberation"}
        return processes.create_process(record, SYSTEM).slug


@pytest.fixture
def steward(app, process, make_user) -> dict:
    """API headers of an editor who stewards the process."""
    make_user("editor", email=STEWARD, name="Steward")
    with app.app_context():
        processes.add_steward(process, STEWARD, SYSTEM)
        _token, secret = accounts.create_token(STEWARD)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_consultation(app, process):
    """A function opening a consultation `opens` from now until `closes` from now; its id."""

    def make(opens=timedelta(days=-1), closes=timedelta(days=30), moderation="post") -> int:
        now = datetime.now(UTC)
        data = {"process": process, "title": "Draft recommendations v2",
                "text": "The draft.", "sections": SECTIONS, "questions": QUESTIONS,
                "opens_at": (now + opens).isoformat(), "closes_at": (now + closes).isoformat(),
                "moderation": moderation}
        with app.app_context():
            return feedback.create_consultation(data, SYSTEM).id

    return make


@pytest.fixture
def open_consultation(make_consultation) -> int:
    return make_consultation()


@pytest.fixture
def premoderated_consultation(make_consultation) -> int:
    return make_consultation(moderation="pre")


@pytest.fixture
def closed_consultation(make_consultation) -> int:
    return make_consultation(opens=timedelta(days=-30), closes=timedelta(days=-1))


@pytest.fixture
def upcoming_consultation(make_consultation) -> int:
    return make_consultation(opens=timedelta(days=1), closes=timedelta(days=30))


@pytest.fixture
def close_now(app):
    """A function closing a consultation a moment ago, as if its deadline had passed."""

    def close(consultation_id: int) -> None:
        closes = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        with app.app_context():
            feedback.update_consultation(consultation_id, {"closes_at": closes}, SYSTEM)

    return close


@pytest.fixture
def submission() -> dict:
    """SPEC section 5's example submission, valid for the consultations above."""
    return {
        "stakeholder_group": "civil_society", "country": "GH",
        "name": "Ama Mensah", "anonymous": False,
        "organisation": "Accra Digital Rights Hub", "on_behalf_of_organisation": True,
        "answers": {"q1": 4, "q2": "skills", "q3": ["a", "c"], "q4": "Cheaper devices."},
        "comments": [{"section": "2", "text": "The findings on affordability are sound."}],
        "comment": "General remarks on spectrum policy.",
        "language": "en", "consent_to_publish": True,
    }


def open_consultation_in(app) -> int:
    """An open consultation made through the services; its id."""
    now = datetime.now(UTC)
    with app.app_context():
        slug = processes.create_process({"name": "Busy process"}, SYSTEM).slug
        return feedback.create_consultation({
            "process": slug, "title": "A popular draft", "sections": SECTIONS,
            "questions": QUESTIONS, "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat()}, SYSTEM).id
