"""Schemathesis over every operation of the OpenAPI document, through the WSGI app, on a
few real records: with data that fits the document, once without a token and once with a staff
token; and with data that does not, with a staff token, so validation is reached. Never a 5xx,
every response (status, content type, headers and body) as the document says, and every
request the document does not allow refused with a 4xx.

Examples per operation are bounded so each database takes about a minute and a half.
"""

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clearinghouse import create_app, openapi
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.feedback import service as feedback
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes

EXAMPLES = 12
NEGATIVE_EXAMPLES = 8  # data that breaks the document costs more to draw than data that fits
# Schemathesis's WSGI transport does not decompress, and the app compresses when asked to.
PLAIN = {"Accept-Encoding": "identity"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def staff(app, token_for) -> dict:
    return token_for("admin")


@pytest.fixture
def real_values(app, monkeypatch) -> Iterator[dict]:
    """An issue and a process both called 'igf', an open consultation on the process and a
    submission to it: path parameters name these as often as they are random, so
    operations reach records and not only their 404."""
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    app.config["SUBMISSION_RATE_LIMIT"] = "100000 per minute"
    now = datetime.now(UTC)
    with app.app_context():
        issues.create_issue({"slug": "igf", "title": "Internet governance",
                             "category": "internet_governance"}, SYSTEM)
        processes.create_process({"slug": "igf", "name": "Internet Governance Forum",
                                  "issues": ["igf"], "participants": [
                                      {"stakeholder_group": "civil_society", "country": "GH"}]},
                                 SYSTEM)
        consultation = feedback.create_consultation({
            "process": "igf", "title": "Draft", "sections": [{"ref": "1", "title": "Scope"}],
            "questions": [{"id": "q1", "kind": "scale", "prompt": "Agree?"}],
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat()}, SYSTEM)
        submission, receipt = feedback.submit(consultation.id, {
            "stakeholder_group": "civil_society", "country": "GH", "answers": {"q1": 4},
            "comment": "Cheaper data.", "consent_to_publish": True})
    REAL.update(slug=["igf"], consultation_id=[consultation.id],
                submission_id=[submission.id], token=[receipt])
    yield REAL
    REAL.clear()


def document() -> dict:
    """The OpenAPI document, built from the routes alone: no database is needed."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return openapi.build(app).to_dict()


def flatmap_case(context, case):
    """As often as at random, a path names a record that exists (see `real_values`)."""
    if not case.path_parameters or not REAL:
        return st.just(case)
    return st.booleans().map(lambda real: with_real_records(case) if real else case)


def with_real_records(case):
    case.path_parameters = {name: REAL[name][0] if name in REAL else value
                            for name, value in case.path_parameters.items()}
    return case


REAL: dict[str, list] = {}  # filled in by `real_values` for the test running


def schema_of(mode: GenerationMode):
    """The document as schemathesis reads it, drawing only data that fits it (positive) or
    only data that does not (negative: by default schemathesis 4 draws both)."""
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(DOCUMENT))
    loaded.config.generation.update(modes=[mode])
    if mode.is_negative:  # the test sends the token itself: a case leaving it out is not bad
        loaded.config.generation.update(with_security_parameters=False)
    loaded.hook(flatmap_case)
    return loaded


DOCUMENT = document()
schema = schema_of(GenerationMode.POSITIVE)
negative = schema_of(GenerationMode.NEGATIVE)
bounded = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                   phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))


@schema.parametrize()
@bounded
def test_every_operation_answers_the_public_as_documented_and_never_with_a_5xx(
        case, app, real_values):
    case.call_and_validate(app=app, headers=PLAIN, checks=CHECKS)


@schema.parametrize()
@bounded
def test_every_operation_answers_staff_as_documented_and_never_with_a_5xx(
        case, app, real_values, staff):
    case.call_and_validate(app=app, headers={**PLAIN, **staff}, checks=CHECKS)


def rejects_invalid_data(ctx, response, case):
    """negative_data_rejection, but for the one place the app means to differ from the
    document: text is trimmed before its length is checked (tests/test_fields.py), so text
    past maxLength only by the white space around it is taken. Whether it should be refused
    instead is a decision to make in fields.Text, not here."""
    mutations = case.meta.phase.data.mutations if case.meta else ()
    if mutations and all(padded_text(case, mutation) for mutation in mutations):
        return None
    return negative_data_rejection(ctx, response, case)


def padded_text(case, mutation) -> bool:
    """A mutation of a text's length only, to a text with white space around it."""
    value = mutation.new_value
    if not isinstance(value, str):
        value = case.body
        for key in mutation.path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return False
    return (set(mutation.keywords) <= {"minLength", "maxLength"} and isinstance(value, str)
            and value != value.strip())


@negative.parametrize()
@settings(bounded, max_examples=NEGATIVE_EXAMPLES)
def test_every_operation_refuses_invalid_input_with_a_4xx_as_documented(
        case, app, real_values, staff):
    case.call_and_validate(app=app, headers={**PLAIN, **staff},
                           checks=[*CHECKS, rejects_invalid_data])
