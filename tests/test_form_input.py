"""Bad input to every HTML form that changes something, each refused with a 4xx and nothing
written: wrong types, unknown vocabulary, oversize fields and bodies, bad UTF-8, a body that
is not a form, and a missing or wrong CSRF token.

Each form is a row: where it posts, a body its page would send (accepted, as the first test
shows), and which of its fields take numbers, times, vocabulary or limited text. Each bad case
changes one thing in that body. A field the form cannot read is a 422 with the form again (or
an error page, for the small forms that have no page of their own); a body that is not UTF-8
or has no valid CSRF token 400; a body that is not a form 415; one past MAX_CONTENT_LENGTH 413.
"Nothing written" is every row of every table, the data version's among them, as it was.
A refused request writes nothing, so the refusals share one database, which each test checks
is unchanged; the accepted forms each get a fresh one.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from argon2 import PasswordHasher

from clearinghouse import create_app
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.config import MiB
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes
from tests.conftest import PASSWORD, csrf_token, empty

ADMIN = "admin@example.org"
TOO_LARGE, NOT_A_FORM, BAD_REQUEST, INVALID = 413, 415, 400, 422
GENEROUS = {"SUBMISSION_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT": "100000 per minute"}


@dataclass
class World:
    app: object
    issue: str
    process: str
    consultation: int
    submission: int
    receipt: str


def build_world(app) -> World:
    """An admin, an issue, a process with an open consultation, and a published submission
    with its receipt: what every form acts on."""
    now = datetime.now(UTC)
    with app.app_context():
        accounts.create_user({"email": ADMIN, "role": "admin", "password": PASSWORD})
        issue = issues.create_issue({"title": "Spam", "category": "internet_governance"},
                                    SYSTEM).slug
        process = processes.create_process({"name": "Process A"}, SYSTEM).slug
        consultation = feedback.create_consultation({
            "process": process, "title": "Draft", "sections": [{"ref": "1", "title": "Scope"}],
            "questions": [{"id": "q1", "kind": "scale", "prompt": "Agree?"},
                          {"id": "q2", "kind": "single", "prompt": "First?",
                           "options": ["cost", "skills"]},
                          {"id": "q3", "kind": "multiple", "prompt": "Which?",
                           "options": ["a", "b", "c"]}],
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat()}, SYSTEM).id
        submission, receipt = feedback.submit(consultation, {
            "stakeholder_group": "civil_society", "country": "GH", "comment": "Cheaper data.",
            "consent_to_publish": True})
    return World(app, issue, process, consultation, submission.id, receipt)


def signed_in(world: World):
    """The admin's own browser, for one request: signing out in one test signs out no other."""
    client = world.app.test_client()
    response = client.post("/login", data={"email": ADMIN, "password": PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    return client


@pytest.fixture
def fresh_world(app, monkeypatch) -> World:
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    app.config.update(GENEROUS)
    return build_world(app)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, postgres_schema):
    """One app, database and world for every refusal (see the module's docstring). On
    PostgreSQL it is the database the `app` fixture empties after each test, so the tests
    using `app` come first in this module, before this one is made."""
    uri = postgres_schema or f"sqlite:///{tmp_path_factory.mktemp('forms') / 'db.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test",
                      **GENEROUS})
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        with app.app_context():
            if not postgres_schema:
                db.create_all()
        world = build_world(app)
    yield app, world
    empty(app, postgres_schema)


def everything(app) -> dict[str, list[str]]:
    """Every row of every table, the data version's included."""
    with app.app_context():
        return {table.name: sorted(map(repr, db.session.execute(table.select()).all()))
                for table in db.metadata.sorted_tables}


@dataclass(frozen=True)
class Form:
    """A form: where it posts, what its page would send, and what each field takes."""

    path: Callable[[World], str]
    fields: Callable[[World], dict]
    done: int = 303  # what the valid form gets
    writes: bool = True
    numbers: tuple[str, ...] = ()  # whole numbers
    times: tuple[str, ...] = ()  # datetime-local inputs
    days: tuple[str, ...] = ()  # date inputs
    terms: tuple[str, ...] = ()  # selects, radios and checkbox groups: a vocabulary
    ticks: tuple[str, ...] = ()  # checkboxes without a value, sent as 'on'
    limits: dict[str, int] = field(default_factory=dict)  # the longest text each takes
    once: tuple[str, ...] = ()  # fields sent once, here sent twice
    text: str = "note"  # a text field, for bad bytes and a NUL


def process_form(name: str) -> Callable[[World], dict]:
    return lambda world: {
        "name": name, "stage": "deliberation", "aim": "Connect the rest.", "issues": "spam",
        "participation": ["open", "remote"], "languages": "en, fr",
        "participants-civil_society-africa": "3", "participants-government-asia_pacific": "2",
        "events-0-title": "Deadline", "events-0-kind": "deadline",
        "events-0-announced_on": "2026-01-05", "events-0-starts_at": "2026-02-20T12:00",
        "events-0-remote": "on", "documents-0-title": "Terms of reference",
        "documents-0-url": "https://example.org/tor", "documents-0-kind": "modalities",
        "rule-kind": "vote", "chambers-0-name": "Council", "chambers-0-pass": "majority",
        "chambers-0-government-africa": "3", "chambers-0-civil_society-asia_pacific": "2",
        "rule-decider-stakeholder_group": "", "rule-decider-region": ""}


PROCESS = {
    "numbers": ("participants-civil_society-africa", "chambers-0-government-africa"),
    "times": ("events-0-starts_at",), "days": ("events-0-announced_on",),
    "terms": ("stage", "participation", "illustrative", "rule-kind", "chambers-0-pass",
              "rule-decider-region", "events-0-kind", "documents-0-kind"),
    "ticks": ("events-0-remote",),
    "limits": {"name": 200, "convener": 200, "aim": 5000, "recourse": 2000,
               "events-0-title": 200, "documents-0-url": 2000},
    "once": ("name", "stage", "participants-civil_society-africa", "rule-kind"),
    "text": "name",
}
ISSUE = {"terms": ("category", "priority", "controversy", "action_lines"),
         "limits": {"title": 200, "summary": 500, "description": 20_000, "aspects": 300},
         "once": ("title", "category", "priority"), "text": "title"}
FEEDBACK = {"numbers": ("answer-q1",),
            "terms": ("stakeholder_group", "country", "language", "answer-q2", "answer-q3"),
            "ticks": ("consent_to_publish", "anonymous"),
            "limits": {"name": 200, "organisation": 200, "comment": 10_000, "comment-1": 5000},
            "once": ("stakeholder_group", "country", "answer-q1", "comment"), "text": "comment"}


def feedback_form(world) -> dict:
    return {"stakeholder_group": "civil_society", "country": "GH", "name": "Ama Mensah",
            "answer-q1": "4", "answer-q2": "skills", "answer-q3": ["a", "c"],
            "comment-1": "Scope it wider.", "comment": "General remarks.", "language": "en",
            "consent_to_publish": "on"}


FORMS = {
    "sign in": Form("/login", lambda w: {"email": ADMIN, "password": PASSWORD}, done=302,
                    writes=False, once=("email", "password"), text="email"),
    "sign out": Form("/logout", lambda w: {}, done=302, writes=False),
    "add an issue": Form("/issues/new", lambda w: {
        "title": "Spectrum", "category": "development", "action_lines": ["C2", "C6"],
        "aspects": "Sharing\nPricing", "priority": "high", "controversy": "low"}, **ISSUE),
    "edit an issue": Form(lambda w: f"/issues/{w.issue}/edit", lambda w: {
        "title": "Spam and phishing", "category": "internet_governance", "priority": "low",
        "controversy": "medium"}, **ISSUE),
    "register a process": Form("/processes/new", process_form("Access coalition"), **PROCESS),
    "edit a process": Form(lambda w: f"/processes/{w.process}/edit", process_form("Process A"),
                           **PROCESS),
    "check a design": Form("/processes/check", process_form("Draft"), done=200, writes=False,
                           **PROCESS),
    "open a consultation": Form("/consultations/new", lambda w: {
        "process": w.process, "title": "Call for input", "text": "Tell us.",
        "sections": "1 | Scope", "question-0-prompt": "Agree?", "question-0-kind": "scale",
        "question-1-prompt": "First?", "question-1-kind": "single",
        "question-1-options": "cost, skills", "opens_at": "2030-01-01T00:00",
        "closes_at": "2030-02-01T00:00", "moderation": "post"},
        times=("opens_at", "closes_at"), terms=("process", "moderation", "question-0-kind"),
        limits={"title": 200, "text": 50_000, "question-0-prompt": 500, "url": 2000},
        once=("title", "opens_at", "moderation"), text="title"),
    "send feedback": Form(lambda w: f"/consultations/{w.consultation}", feedback_form,
                          **FEEDBACK),
    "amend feedback": Form(lambda w: f"/receipts/{w.receipt}", feedback_form, **FEEDBACK),
    "withdraw feedback": Form(lambda w: f"/receipts/{w.receipt}/withdraw",
                              lambda w: {"reason": "Changed my mind."},
                              limits={"reason": 1000}, once=("reason",), text="reason"),
    "answer feedback": Form(lambda w: f"/consultations/{w.consultation}/responses",
                            lambda w: {"theme": "Cost", "text": "We will look at it."},
                            numbers=("submission_id",), limits={"theme": 200, "text": 10_000},
                            once=("theme", "text"), text="text"),
    "moderate feedback": Form("/moderation", lambda w: {
        "submission_id": str(w.submission), "action": "approve", "reason": "Fine."},
        numbers=("submission_id",), terms=("action",), limits={"reason": 1000},
        once=("submission_id", "action", "reason"), text="reason"),
}

NUMBERS = {"words": "three", "a superscript digit": "²", "5,000 digits": "9" * 5000,
           "a negative number": "-2", "a fraction": "2.5"}
TIMES = {"words": "next Tuesday", "month 13": "2026-13-01T10:00",
         "year 1, an hour east of UTC": "0001-01-01T00:00+01:00",
         "year 9999, an hour west of UTC": "9999-12-31T23:00-01:00"}
DAYS = {"words": "yesterday", "month 13": "2026-13-01"}


def field_cases(form: Form) -> dict[str, Callable[[dict], dict]]:
    """Bad bodies that are forms but hold a value the field cannot take: each a 422."""
    def setting(name, value):
        return lambda fields: {**fields, name: value}

    cases = {}
    for name in form.numbers:
        cases.update({f"{name} as {what}": setting(name, value) for what, value in NUMBERS.items()})
    for name in form.times:
        cases.update({f"{name} as {what}": setting(name, value) for what, value in TIMES.items()})
    for name in form.days:
        cases.update({f"{name} as {what}": setting(name, value) for what, value in DAYS.items()})
    for name in form.terms:
        cases[f"{name} outside its vocabulary"] = setting(name, "no-such-term")
    for name in form.ticks:
        cases[f"{name} ticked as 'false'"] = setting(name, "false")
    for name, limit in form.limits.items():
        long = "x" * (limit + 1)
        cases[f"{name} over {limit} characters"] = setting(
            name, f"https://example.org/{long}" if name.endswith("url") else long)
    for name in form.once:
        cases[f"{name} sent twice"] = lambda fields, name=name: {**fields,
                                                                 name: [fields[name]] * 2}
    if form.text != "note":
        cases[f"{form.text} with a NUL"] = setting(form.text, "a\x00b")
    return cases


def form_body(fields: dict, token: str) -> bytes:
    return urlencode({**fields, "csrf_token": token}, doseq=True).encode()


def multipart(fields: dict, token: str, bad: str) -> tuple[bytes, str]:
    """A multipart form whose `bad` field is not UTF-8."""
    boundary = "form-boundary-7d1f"
    parts = [(name, str(value).encode()) for name, values in {**fields, "csrf_token": token}
             .items() for value in (values if isinstance(values, list) else [values])]
    parts.append((bad, b"caf\xe9"))  # Latin-1, not UTF-8
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    .encode() + value + b"\r\n" for name, value in parts)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def body_cases(form: Form) -> dict[str, tuple[int, Callable]]:
    """Bad bodies: (the status each gets, a function posting it)."""
    def raw(data: Callable[[dict, str], bytes], content_type="application/x-www-form-urlencoded",
            header=False):
        def post(client, url, fields, token):
            headers = {"X-CSRFToken": token} if header else {}
            return client.post(url, data=data(fields, token), content_type=content_type,
                               headers=headers)
        return post

    def rest(fields):
        return {k: v for k, v in fields.items() if k != form.text}

    def with_bad_multipart(client, url, fields, token):
        body, content_type = multipart(rest(fields), token, form.text)
        return client.post(url, data=body, content_type=content_type)

    def without_token(client, url, fields, token):
        return client.post(url, data=fields)

    def wrong_token(client, url, fields, token):
        return client.post(url, data={**fields, "csrf_token": token[::-1]})

    def as_json(client, url, fields, token):
        return client.post(url, json=fields, headers={"X-CSRFToken": token})

    return {
        f"a body over {MiB} bytes": (TOO_LARGE, raw(
            lambda fields, token: form_body(fields, token) + b"&padding=" + b"x" * MiB)),
        f"{form.text} with a byte that is not UTF-8": (BAD_REQUEST, raw(
            lambda fields, token: form_body(rest(fields), token)
            + f"&{form.text}=caf".encode() + b"\xe9")),
        f"{form.text} with an escape that is not UTF-8": (BAD_REQUEST, raw(
            lambda fields, token: form_body(rest(fields), token) + f"&{form.text}=caf%E9"
            .encode())),
        f"{form.text} not UTF-8 in a multipart form": (BAD_REQUEST, with_bad_multipart),
        "JSON, with the CSRF token in a header": (NOT_A_FORM, as_json),
        "plain text, with the CSRF token in a header": (NOT_A_FORM, raw(
            lambda fields, token: form_body(fields, token), "text/plain", header=True)),
        "no CSRF token": (BAD_REQUEST, without_token),
        "a wrong CSRF token": (BAD_REQUEST, wrong_token),
    }


def urlencoded(fields_of: Callable[[dict], dict]) -> Callable:
    def post(client, url, fields, token):
        return client.post(url, data={**fields_of(fields), "csrf_token": token})
    return post


CASES = {f"{name}: {case}": (name, status, post)
         for name, form in FORMS.items()
         for case, (status, post) in {
             **{case: (INVALID, urlencoded(change)) for case, change in field_cases(form).items()},
             **body_cases(form)}.items()}


def send(world: World, name: str, post=None):
    form = FORMS[name]
    url = form.path(world) if callable(form.path) else form.path
    post = post or urlencoded(lambda fields: fields)
    client = signed_in(world)
    return post(client, url, form.fields(world), csrf_token(client, "/login"))


@pytest.mark.parametrize("name", FORMS)
def test_each_form_as_its_page_sends_it_is_accepted(app, fresh_world, name):
    """The bodies the refusals start from are good ones: each bad case changes one thing."""
    before = everything(app)
    response = send(fresh_world, name)
    assert response.status_code == FORMS[name].done, response.get_data(as_text=True)[-3000:]
    assert (everything(app) != before) == FORMS[name].writes


@pytest.mark.parametrize(("name", "status", "post"), CASES.values(), ids=CASES.keys())
def test_each_bad_form_is_refused_with_a_4xx_and_writes_nothing(shared, name, status, post):
    app, world = shared
    before = everything(app)
    response = send(world, name, post)
    assert response.status_code == status, re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert response.mimetype == "text/html"
    assert everything(app) == before
