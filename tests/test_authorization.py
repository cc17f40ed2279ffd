"""Who may do what: every role against every write of the API and of the HTML forms, and
every staff form's page, which is refused to exactly the roles its sending is.

Each row is one action; its columns are what each role gets. "ok" is the action done,
"sign in" a redirect to the login page, a number the refusal's status. A refusal writes
nothing, and a receipt opens its own submission and no other.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from clearinghouse.activity import ActivityEvent
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.feedback.models import ModerationDecision, Response, Submission
from clearinghouse.issues import service as issues
from clearinghouse.issues.models import Issue
from clearinghouse.processes import service as processes
from clearinghouse.processes.models import Process
from tests.conftest import PASSWORD, csrf_token

ROLES = ("anonymous", "submitter", "moderator", "editor_a", "editor_b", "admin", "disabled")
STAFF = {"moderator": "moderator", "editor_a": "editor", "editor_b": "editor",
         "admin": "admin", "disabled": "admin"}
OK, SIGN_IN = "ok", "sign in"
QUESTIONS = [{"id": "q1", "kind": "scale", "prompt": "Agree?"}]
SUBMISSION = {"stakeholder_group": "civil_society", "country": "GH", "comment": "Cheaper data.",
              "answers": {"q1": 4}, "consent_to_publish": True}


@dataclass
class World:
    """What the roles act on: process A and B, each with its own steward, an issue, an
    open consultation on A, and two published submissions with their receipts."""

    headers: dict[str, dict]
    clients: dict
    issue: str
    process_a: str
    process_b: str
    consultation: int
    submission: int
    receipt: str
    other_submission: int
    other_receipt: str

    def receipt_of(self, role: str) -> str:
        """The submitter holds their receipt; anyone else can only guess one."""
        return self.receipt if role == "submitter" else f"guessed-by-{role}-0123456789abcdef"


@pytest.fixture
def app(app, monkeypatch):
    app.config["SUBMISSION_RATE_LIMIT"] = "10000 per minute"
    # Cheap hashing: these tests are about roles, and sign in a dozen times each.
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    return app


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        secrets = {role: staff_account(role, STAFF[role]) for role in STAFF}
        editor_a = accounts.actor_for(accounts.user_by_email("editor_a@example.org"))
        editor_b = accounts.actor_for(accounts.user_by_email("editor_b@example.org"))
        process_a = processes.create_process({"name": "Process A"}, editor_a).slug
        process_b = processes.create_process({"name": "Process B"}, editor_b).slug
        issue = issues.create_issue({"title": "Spam", "category": "internet_governance"},
                                    SYSTEM).slug
        now = datetime.now(UTC)
        consultation = feedback.create_consultation(
            {"process": process_a, "title": "Draft", "questions": QUESTIONS,
             "opens_at": (now - timedelta(days=1)).isoformat(),
             "closes_at": (now + timedelta(days=30)).isoformat()}, SYSTEM).id
        submission, receipt = feedback.submit(consultation, SUBMISSION)
        other, other_receipt = feedback.submit(consultation, {**SUBMISSION, "comment": "Other."})
        ids = submission.id, other.id
    clients = {role: signed_in(app, role) for role in ROLES}
    with app.app_context():
        accounts.set_active("disabled@example.org", False)
    headers = {role: {} for role in ("anonymous", "submitter")}
    headers.update({role: {"Authorization": f"Bearer {secret}"}
                    for role, secret in secrets.items()})
    return World(headers, clients, issue, process_a, process_b, consultation, ids[0],
                 receipt, ids[1], other_receipt)


def staff_account(key: str, role: str) -> str:
    email = f"{key}@example.org"
    accounts.create_user({"email": email, "role": role, "password": PASSWORD})
    return accounts.create_token(email)[1]


def signed_in(app, role: str):
    """A browser of the role: staff signed in, the public not."""
    client = app.test_client()
    if role in STAFF:
        form = {"email": f"{role}@example.org", "password": PASSWORD,
                "csrf_token": csrf_token(client, "/login")}
        assert client.post("/login", data=form).status_code == 302
    return client


def outcome(response) -> str | int:
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return SIGN_IN
    return OK if response.status_code in (200, 201, 202, 303) else response.status_code


def records(app) -> tuple[int, ...]:
    """How many rows every kind of write adds to: a refusal leaves them all alone."""
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                     for model in (ActivityEvent, ModerationDecision, Submission, Response,
                                   Issue, Process))


def check_matrix(app, world, act, expected: tuple) -> None:
    got = {}
    for role in ROLES:
        before = records(app)
        got[role] = outcome(act(world, role))
        if got[role] != OK:
            assert records(app) == before, f"{role} was refused but something was written"
    assert got == dict(zip(ROLES, expected, strict=True))


def api(method: str, path, body=None):
    """An API call made with the role's token, if it has one."""

    def act(world, role):
        url = path(world, role) if callable(path) else path
        client = world.clients["anonymous"]
        data = body(world) if callable(body) else body
        return client.open(url, method=method, json=data, headers=world.headers[role])

    return act


def consultation_url(suffix=""):
    return lambda world, _role: f"/api/v1/consultations/{world.consultation}{suffix}"


def receipt_url(suffix=""):
    return lambda world, role: f"/api/v1/receipts/{world.receipt_of(role)}{suffix}"


def new_consultation(world):
    return {"process": world.process_a, "title": "Second draft", "opens_at": "2030-01-01T00:00Z",
            "closes_at": "2030-02-01T00:00Z"}


NEW_ISSUE = {"title": "New", "category": "development"}
API_MATRIX = {
    # Columns: anonymous, submitter, moderator, editor_a, editor_b, admin, disabled.
    "create an issue": (api("POST", "/api/v1/issues", NEW_ISSUE),
                        (401, 401, 403, OK, OK, OK, 401)),
    "change an issue": (api("PATCH", lambda w, r: f"/api/v1/issues/{w.issue}",
                            {"priority": "high"}),
                        (401, 401, 403, OK, OK, OK, 401)),
    "register a process": (api("POST", "/api/v1/processes", {"name": "New process"}),
                           (401, 401, 403, OK, OK, OK, 401)),
    "change process A": (api("PATCH", lambda w, r: f"/api/v1/processes/{w.process_a}",
                             {"aim": "Access for all."}),
                         (401, 401, 403, OK, 403, OK, 401)),
    "change process B": (api("PATCH", lambda w, r: f"/api/v1/processes/{w.process_b}",
                             {"aim": "Access for all."}),
                         (401, 401, 403, 403, OK, OK, 401)),
    "assess a draft, storing nothing": (api("POST", "/api/v1/assess", {"name": "Draft"}),
                                        (OK, OK, OK, OK, OK, OK, 401)),
    "open a consultation on A": (api("POST", "/api/v1/consultations", new_consultation),
                                 (401, 401, 403, OK, 403, OK, 401)),
    "change a consultation on A": (api("PATCH", consultation_url(), {"title": "Draft 3"}),
                                   (401, 401, 403, OK, 403, OK, 401)),
    "answer feedback on A": (api("POST", consultation_url("/responses"),
                                 {"theme": "Cost", "text": "We will look at it."}),
                             (401, 401, 403, OK, 403, OK, 401)),
    "send feedback": (api("POST", consultation_url("/submissions"), SUBMISSION),
                      (OK, OK, OK, OK, OK, OK, 401)),
    "see one's submission": (api("GET", receipt_url()), (404, OK, 404, 404, 404, 404, 401)),
    "amend one's submission": (api("PUT", receipt_url(), {**SUBMISSION, "comment": "Amended."}),
                               (404, OK, 404, 404, 404, 404, 401)),
    "withdraw one's submission": (api("POST", receipt_url("/withdraw"), {}),
                                  (404, OK, 404, 404, 404, 404, 401)),
    "report a submission": (api("POST", lambda w, r: f"/api/v1/submissions/{w.other_submission}"
                                "/report", {"reason": "Personal data."}),
                            (OK, OK, OK, OK, OK, OK, 401)),
    "moderate a submission": (api("POST", lambda w, r: f"/api/v1/submissions/"
                                  f"{w.other_submission}/moderation",
                                  {"action": "approve", "reason": "Fine."}),
                              (401, 401, OK, 403, 403, OK, 401)),
    "read the moderation queue": (api("GET", "/api/v1/moderation"),
                                  (401, 401, OK, 403, 403, OK, 401)),
}


@pytest.mark.parametrize(("act", "expected"), API_MATRIX.values(), ids=API_MATRIX.keys())
def test_each_role_may_do_through_the_api_only_what_its_row_says(app, world, act, expected):
    check_matrix(app, world, act, expected)


@dataclass(frozen=True)
class form:  # lower case: it reads as a verb in the tables
    """A form posted from the role's browser, with the CSRF token its page carries."""

    path: object
    fields: object = lambda world: {}

    def __call__(self, world, role, csrf=True):
        client = world.clients[role]
        url = self.path(world, role) if callable(self.path) else self.path
        token = {"csrf_token": csrf_token(client, "/login")} if csrf else {}
        return client.post(url, data={**self.fields(world), **token})


def page(path):
    """A page opened in the role's browser."""
    def act(world, role):
        return world.clients[role].get(path(world, role) if callable(path) else path)

    return act


def new_consultation_form(world):
    return {"process": world.process_a, "title": "Second draft", "moderation": "post",
            "opens_at": "2030-01-01T00:00", "closes_at": "2030-02-01T00:00"}


ISSUE_FORM = {"title": "New", "category": "development", "priority": "medium",
              "controversy": "medium"}
PROCESS_FORM = {"name": "Process from the form", "stage": "proposed"}
FEEDBACK_FORM = {"stakeholder_group": "civil_society", "country": "GH", "answer-q1": "4",
                 "comment": "From the form.", "consent_to_publish": "on"}

FORM_MATRIX = {
    # Columns: anonymous, submitter, moderator, editor_a, editor_b, admin, disabled.
    "create an issue": (form("/issues/new", lambda w: ISSUE_FORM),
                        (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "change an issue": (form(lambda w, r: f"/issues/{w.issue}/edit",
                             lambda w: {**ISSUE_FORM, "title": "Spam"}),
                        (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "register a process": (form("/processes/new", lambda w: PROCESS_FORM),
                           (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "change process A": (form(lambda w, r: f"/processes/{w.process_a}/edit",
                              lambda w: {"name": "Process A", "aim": "Access.",
                                         "stage": "proposed"}),
                         (SIGN_IN, SIGN_IN, 403, OK, 403, OK, SIGN_IN)),
    "change process B": (form(lambda w, r: f"/processes/{w.process_b}/edit",
                              lambda w: {"name": "Process B", "aim": "Access.",
                                         "stage": "proposed"}),
                         (SIGN_IN, SIGN_IN, 403, 403, OK, OK, SIGN_IN)),
    "check a design, storing nothing": (form("/processes/check", lambda w: PROCESS_FORM),
                                        (OK, OK, OK, OK, OK, OK, OK)),
    "open a consultation on A": (form("/consultations/new", new_consultation_form),
                                 (SIGN_IN, SIGN_IN, 403, OK, 403, OK, SIGN_IN)),
    "answer feedback on A": (form(lambda w, r: f"/consultations/{w.consultation}/responses",
                                  lambda w: {"theme": "Cost", "text": "We will look at it."}),
                             (SIGN_IN, SIGN_IN, 403, OK, 403, OK, SIGN_IN)),
    "send feedback": (form(lambda w, r: f"/consultations/{w.consultation}",
                           lambda w: FEEDBACK_FORM),
                      (OK, OK, OK, OK, OK, OK, OK)),
    "see one's submission": (lambda w, r: w.clients[r].get(f"/receipts/{w.receipt_of(r)}"),
                             (404, OK, 404, 404, 404, 404, 404)),
    "amend one's submission": (form(lambda w, r: f"/receipts/{w.receipt_of(r)}",
                                    lambda w: {**FEEDBACK_FORM, "comment": "Amended."}),
                               (404, OK, 404, 404, 404, 404, 404)),
    "withdraw one's submission": (form(lambda w, r: f"/receipts/{w.receipt_of(r)}/withdraw"),
                                  (404, OK, 404, 404, 404, 404, 404)),
    "moderate a submission": (form("/moderation", lambda w: {
                                  "submission_id": w.other_submission, "action": "approve",
                                  "reason": "Fine."}),
                              (SIGN_IN, SIGN_IN, OK, 403, 403, OK, SIGN_IN)),
    "read the moderation queue": (page("/moderation"),
                                  (SIGN_IN, SIGN_IN, OK, 403, 403, OK, SIGN_IN)),
    "open the form to add an issue": (page("/issues/new"),
                                      (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "open the form to change an issue": (page(lambda w, r: f"/issues/{w.issue}/edit"),
                                         (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "open the form to register a process": (page("/processes/new"),
                                            (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "open the form to change process A": (page(lambda w, r: f"/processes/{w.process_a}/edit"),
                                          (SIGN_IN, SIGN_IN, 403, OK, 403, OK, SIGN_IN)),
    "open the form to change process B": (page(lambda w, r: f"/processes/{w.process_b}/edit"),
                                          (SIGN_IN, SIGN_IN, 403, 403, OK, OK, SIGN_IN)),
    "open the form to check a design": (page("/processes/check"), (OK, OK, OK, OK, OK, OK, OK)),
    "open the form to open a consultation": (page("/consultations/new"),
                                             (SIGN_IN, SIGN_IN, 403, OK, OK, OK, SIGN_IN)),
    "open the form to open a consultation on A": (
        page(lambda w, r: f"/consultations/new?process={w.process_a}"),
        (SIGN_IN, SIGN_IN, 403, OK, 403, OK, SIGN_IN)),
}
# A form's page is refused exactly when sending the form would be.
PAGE_OF_FORM = {
    "open the form to add an issue": "create an issue",
    "open the form to change an issue": "change an issue",
    "open the form to register a process": "register a process",
    "open the form to change process A": "change process A",
    "open the form to change process B": "change process B",
    "open the form to check a design": "check a design, storing nothing",
    "open the form to open a consultation on A": "open a consultation on A",
    "read the moderation queue": "moderate a submission",
    "see one's submission": "amend one's submission",
}


@pytest.mark.parametrize(("act", "expected"), FORM_MATRIX.values(), ids=FORM_MATRIX.keys())
def test_each_role_may_do_through_the_forms_only_what_its_row_says(app, world, act, expected):
    check_matrix(app, world, act, expected)


@pytest.mark.parametrize(("opening", "sending"), PAGE_OF_FORM.items())
def test_a_form_page_is_refused_to_exactly_the_roles_its_sending_is(opening, sending):
    assert FORM_MATRIX[opening][1] == FORM_MATRIX[sending][1]


def test_an_editor_who_stewards_no_process_may_not_open_the_consultation_form(app, world):
    with app.app_context():
        accounts.create_user({"email": "idle@example.org", "role": "editor",
                              "password": PASSWORD})
    client = app.test_client()
    client.post("/login", data={"email": "idle@example.org", "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    before = records(app)
    assert client.get("/consultations/new").status_code == 403
    sent = client.post("/consultations/new", data={**new_consultation_form(world),
                                                   "csrf_token": csrf_token(client, "/login")})
    assert sent.status_code == 403
    assert records(app) == before


def test_the_form_to_open_a_consultation_offers_only_the_processes_one_keeps(world):
    page = world.clients["editor_b"].get("/consultations/new").get_data(as_text=True)
    assert f'value="{world.process_b}"' in page
    assert f'value="{world.process_a}"' not in page
    page = world.clients["admin"].get("/consultations/new").get_data(as_text=True)
    assert f'value="{world.process_a}"' in page and f'value="{world.process_b}"' in page


def test_the_answer_forms_are_for_exactly_the_roles_that_may_answer(app, world):
    """What a consultation's page passes its template as `may_answer`."""
    expected = dict(zip(ROLES, FORM_MATRIX["answer feedback on A"][1], strict=True))
    with app.app_context():
        consultation = feedback.get_consultation(world.consultation)
        for role in ROLES:
            user = accounts.user_by_email(f"{role}@example.org")
            actor = accounts.actor_for(user if user is not None and user.active else None)
            assert feedback.may_answer(consultation, actor) == (expected[role] == OK), role


def test_a_receipt_opens_its_own_submission_and_changes_no_other(client, world):
    mine = client.get(f"/api/v1/receipts/{world.receipt}").get_json()
    assert mine["id"] == world.submission
    amended = {**SUBMISSION, "comment": "Amended through my receipt."}
    assert client.put(f"/api/v1/receipts/{world.receipt}", json=amended).status_code == 200
    other = client.get(f"/api/v1/receipts/{world.other_receipt}").get_json()
    assert (other["id"], other["comment"]) == (world.other_submission, "Other.")
    assert "Other." not in client.get(f"/receipts/{world.receipt}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/moderation", "/api/v1/issues"])
def test_a_receipt_is_not_an_api_token(client, world, path):
    headers = {"Authorization": f"Bearer {world.receipt}"}
    response = client.open(path, method="GET" if "moderation" in path else "POST",
                           json=NEW_ISSUE, headers=headers)
    assert response.status_code == 401


def test_a_signed_in_browser_cannot_write_through_the_api(app, world):
    browser = world.clients["admin"]
    response = browser.post("/api/v1/issues", json=NEW_ISSUE)
    assert response.status_code == 401
    assert records(app)[4] == 1  # the world's one issue


def test_disabling_an_account_stops_its_token_at_the_next_request(app, world):
    client, headers = world.clients["anonymous"], world.headers["admin"]
    assert client.get("/api/v1/moderation", headers=headers).status_code == 200
    with app.app_context():
        accounts.set_active("admin@example.org", False)
    assert client.get("/api/v1/moderation", headers=headers).status_code == 401
    assert outcome(world.clients["admin"].get("/moderation")) == SIGN_IN


CSRF_ROWS = {name: row for name, row in FORM_MATRIX.items() if isinstance(row[0], form)}


@pytest.mark.parametrize("name", CSRF_ROWS)
def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(app, world, name):
    act, expected = CSRF_ROWS[name]
    role = "admin" if expected[ROLES.index("admin")] == OK else "submitter"
    before = records(app)
    response = act(world, role, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert records(app) == before


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "/\t/evil.example",
                                    "/\n/evil.example", "https://evil.example/",
                                    "/\r\nSet-Cookie: x=1"])
def test_signing_in_never_sends_you_on_to_another_site(client, make_user, target):
    email = make_user("editor")
    form = {"email": email, "password": PASSWORD, "next": target,
            "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login", data=form)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
