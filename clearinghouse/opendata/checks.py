"""Checking a dump before anything is written: the file, every record against the input
schemas and vocabularies, the links between records, and the log's hash chain."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from marshmallow import Schema, fields

from .. import chain, vocabulary
from ..exceptions import InvalidInput
from ..feedback.schemas import ConsultationInput, SubmissionInput
from ..fields import Slug, Term
from ..issues.schemas import IssueInput
from ..processes.schemas import ProcessInput
from ..validation import InputSchema, load
from . import layout

KINDS = ("issues", "processes", "assessments", "consultations", "submissions", "responses",
         "activity")  # in the order they are written: each names only those before it
NOUNS = {"issues": "issue", "processes": "process"}


def fail(detail: str) -> NoReturn:
    raise InvalidInput(f"{layout.JSON_NAME}: {detail}")


def read(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        fail(f"there is no such file in {path.parent}.")
    except UnicodeDecodeError as error:
        fail(f"it is not UTF-8 ({error.reason} at byte {error.start}).")
    except json.JSONDecodeError as error:
        fail(f"it is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).")
    if not isinstance(data, dict) or data.get("format") != layout.FORMAT:
        fail(f"it is not a Clearinghouse open-data dump (no \"format\": \"{layout.FORMAT}\").")
    if data.get("version") != layout.VERSION:
        fail(f"format version {data.get('version')!r} is not one this Clearinghouse reads "
             f"(it reads version {layout.VERSION}).")
    for kind in KINDS:
        if not isinstance(data.get(kind), list):
            fail(f"\"{kind}\" must be a list of records.")
    return data


# What a dump keeps beside each record's input fields, and the records with no input schema.
# Every field is required: a dump says what is empty rather than leaving it out.
NULLABLE = {"required": True, "allow_none": True}


def number(**options) -> fields.Integer:
    return fields.Integer(strict=True, **{"required": True, **options})


def text(**options) -> fields.String:
    return fields.String(**{"required": True, **options})


def stamps(*times: str, **more: fields.Field) -> type[Schema]:
    """A schema of an id, the given times, and `more`."""
    return InputSchema.from_dict({"id": number(), **more, **{
        name: fields.AwareDateTime(required=True) for name in times}})


VERDICT = (vocabulary.VERDICTS, "a verdict")
ISSUE_KEPT = stamps("created_at", "updated_at")
PROCESS_KEPT = stamps("created_at", "updated_at", verdict=Term(*VERDICT, **NULLABLE),
                      delegated_process=Slug(**NULLABLE))
CONSULTATION_KEPT = ISSUE_KEPT
SUBMISSION_KEPT = stamps("created_at", consultation_id=number(),
                         region=Term(vocabulary.REGIONS, "a UN regional group", required=True))
ASSESSMENT = stamps("assessed_at", process=Slug(required=True), profile=text(),
                    overall=Term(*VERDICT, required=True), result=fields.Dict(required=True))
RESPONSE = stamps("created_at", consultation_id=number(), submission_id=number(allow_none=True),
                  theme=text(allow_none=True), text=text(), author=text())
EVENT = stamps(
    "occurred_at", record_id=number(), context_type=text(allow_none=True),
    context_id=number(allow_none=True), before=fields.Dict(**NULLABLE),
    after=fields.Dict(**NULLABLE), tags=fields.List(fields.String(), required=True),
    **{name: text() for name in ("actor_name", "action", "record_type", "record_key",
                                 "record_title", "prev_hash", "hash")})


@contextmanager
def naming(kind: str, index: int, record) -> Iterator[None]:
    """Errors in a record, named by its place in the file and its slug or id."""
    try:
        yield
    except InvalidInput as error:
        key = record.get("slug") if isinstance(record, dict) else None
        named = (f"{NOUNS[kind]} '{key}'" if key and kind in NOUNS
                 else f"id {record.get('id')}" if isinstance(record, dict) else "not an object")
        fail(f"{kind}[{index}] ({named}): {error.detail}")


def split(schema: Schema, record: dict) -> tuple[dict, dict]:
    """(the kept fields loaded by `schema`, the rest as given)."""
    kept = load(schema, {key: value for key, value in record.items() if key in schema.fields})
    return kept, {key: value for key, value in record.items() if key not in schema.fields}


def check(data: dict) -> dict:
    """Every record loaded and cross-checked, or InvalidInput naming the first bad one."""
    plan: dict = {"index": {}}
    for kind in KINDS:
        plan[kind] = []
        for index, record in enumerate(data[kind]):
            with naming(kind, index, record):
                plan[kind].append(CHECKS[kind](record_of(record), plan))
    for index, row in enumerate(plan["processes"]):
        if row["delegated_process"] is not None:
            with naming("processes", index, row):
                lookup(plan, "processes", "slug", row["delegated_process"], "delegated_process")
    plan["head"] = check_log(plan["activity"], data.get("log"))
    return plan


def unique(plan: dict, kind: str, row: dict, *keys: str) -> dict:
    """Register the row under its id (and `keys`); a second one with the same is refused."""
    for key in ("id", *keys):
        seen = plan["index"].setdefault((kind, key), {})
        if row[key] in seen:
            raise InvalidInput(f"{key}: {row[key]!r} appears twice.")
        seen[row[key]] = row
    return row


def lookup(plan: dict, kind: str, key: str, value, field: str) -> dict:
    found = plan["index"].get((kind, key), {}).get(value)
    if found is None:
        raise InvalidInput(f"{field}: {value!r} is not one of the {kind} in this file.")
    return found


def record_of(record) -> dict:
    if not isinstance(record, dict):
        raise InvalidInput("Each record must be an object of named fields.")
    return record


def check_issue(record, plan) -> dict:
    kept, rest = split(ISSUE_KEPT(), record)
    row = {**kept, **load(IssueInput(), rest)}
    if "slug" not in row:
        raise InvalidInput("slug: a record in a dump needs its slug.")
    return unique(plan, "issues", row, "slug")


def check_process(record, plan) -> dict:
    kept, rest = split(PROCESS_KEPT(), record)
    values = load(ProcessInput(), rest)
    if "slug" not in values:
        raise InvalidInput("slug: a record in a dump needs its slug.")
    for slug in values["issues"]:
        lookup(plan, "issues", "slug", slug, "issues")
    return unique(plan, "processes", {**kept, **values}, "slug")


def check_assessment(record, plan) -> dict:
    row = load(ASSESSMENT(), record)
    row["process_id"] = lookup(plan, "processes", "slug", row.pop("process"), "process")["id"]
    return unique(plan, "assessments", row)


def check_consultation(record, plan) -> dict:
    kept, rest = split(CONSULTATION_KEPT(), record)
    values = load(ConsultationInput(), rest)
    kept["process_id"] = lookup(plan, "processes", "slug", values.pop("process"), "process")["id"]
    return unique(plan, "consultations", {**kept, **values})


def check_submission(record, plan) -> dict:
    kept, rest = split(SUBMISSION_KEPT(), record)
    consultation = lookup(plan, "consultations", "id", kept["consultation_id"],
                          "consultation_id")
    name, organisation = rest.pop("name", None), rest.pop("organisation", None)
    # An anonymous one hides the organisation it speaks for: that rule is checked on entry.
    speaks_for = rest.pop("on_behalf_of_organisation", False)
    values = load(SubmissionInput(consultation["questions"], consultation["sections"]),
                  {**rest, "name": name or "", "organisation": organisation or "",
                   "anonymous": name is None and organisation is None,
                   "consent_to_publish": True})
    if not isinstance(speaks_for, bool):
        raise InvalidInput("on_behalf_of_organisation: Not a valid boolean.")
    if kept["region"] != vocabulary.region_of(values["country"]):
        raise InvalidInput(f"region: {values['country']} is not in {kept['region']}.")
    return unique(plan, "submissions", {**kept, "values": {
        **values, "on_behalf_of_organisation": speaks_for}})


def check_response(record, plan) -> dict:
    row = load(RESPONSE(), record)
    lookup(plan, "consultations", "id", row["consultation_id"], "consultation_id")
    if row["submission_id"] is not None:
        answered = lookup(plan, "submissions", "id", row["submission_id"], "submission_id")
        if answered["consultation_id"] != row["consultation_id"]:
            raise InvalidInput("submission_id: it belongs to another consultation.")
    return unique(plan, "responses", row)


def check_event(record, plan) -> dict:
    return unique(plan, "activity", load(EVENT(), record))


CHECKS = {"issues": check_issue, "processes": check_process, "assessments": check_assessment,
          "consultations": check_consultation, "submissions": check_submission,
          "responses": check_response, "activity": check_event}


def check_log(events: list[dict], log) -> str:
    """The events must chain in id order, and end where the dump says the log ends;
    returns the head."""
    ids = [event["id"] for event in events]
    if ids != sorted(ids):
        fail("the activity events must be listed in the order of their ids.")
    broken = chain.first_break(events)
    if broken is not None:
        index = next(n for n, event in enumerate(events) if event["id"] == broken.event_id)
        fail(f"activity[{index}] (id {broken.event_id}): {broken.reason}.")
    head = events[-1]["hash"] if events else chain.GENESIS
    if not isinstance(log, dict) or log.get("events") != len(events) or log.get("head") != head:
        fail(f"\"log\" must be {{\"events\": {len(events)}, \"head\": \"{head}\"}}, "
             "as the events it lists end.")
    return head


