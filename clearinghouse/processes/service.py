"""Registering and changing processes: the only door, for pages, the API, the CLI and the seed."""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import lazyload, selectinload

from .. import activity, search, slugs, vocabulary
from ..auth.permissions import Actor, require_role
from ..auth.service import find_user
from ..database import transaction
from ..exceptions import Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..issues.models import Issue
from ..issues.service import in_vocabulary_order
from ..pagination import ListArgs, paginate
from ..types import utcnow
from ..validation import load
from . import assessment
from .models import (
    Participant,
    Process,
    ProcessDocument,
    ProcessEvent,
    process_issues,
    process_stewards,
)
from .schemas import GapListArgs, ProcessInput, ProcessListArgs, ProcessPatch

RECORD_TYPE = "process"
# The lifecycle in order; a move anywhere else is allowed but recorded as a jump.
NEXT_STAGES = {
    "proposed": {"agenda_setting"},
    "agenda_setting": {"deliberation"},
    "deliberation": {"implementation", "delegated"},
    "implementation": {"concluded"},
    "delegated": {"concluded"},
    "concluded": set(),
}


# For lists that show a process's name, verdict, stage and issues, not its whole record.
AS_LISTED = (lazyload("*"), selectinload(Process.issues).lazyload("*"))


def list_processes(args: Mapping, *, whole: bool = True) -> Pagination:
    """A page of processes; `whole=False` leaves out events, documents and participants."""
    filters = load(ProcessListArgs(), args)
    query = db.select(Process).order_by(Process.name, Process.id)
    if not whole:
        query = query.options(*AS_LISTED)
    if "issue" in filters:
        query = query.where(Process.issues.any(Issue.slug == filters["issue"]))
    for field in ("stage", "verdict"):
        if field in filters:
            query = query.where(getattr(Process, field) == filters[field])
    for field in ("stakeholder_group", "region"):
        if field in filters:
            present = db.select(Participant.process_id).where(
                getattr(Participant, field) == filters[field])
            query = query.where(Process.id.in_(present))
    return paginate(query, filters)


def get_process(slug: str) -> Process:
    # A NUL names nothing, and PostgreSQL cannot even compare text holding one.
    process = (db.session.scalar(db.select(Process).where(Process.slug == slug))
               if "\x00" not in slug else None)
    if process is None:
        raise NotFound(f"There is no process '{slug}'.")
    return process


def record_of(process: Process) -> dict:
    """The process in the shape ProcessInput loads: what is diffed, recorded and assessed."""
    return {
        "slug": process.slug,
        "name": process.name,
        "issues": sorted(issue.slug for issue in process.issues),
        **{field: getattr(process, field) for field in SCALARS},
        "participation": {"open": process.open_participation,
                          "remote": process.remote_participation,
                          "fee": process.fee, "fee_waiver": process.fee_waiver},
        "events": [{field: getattr(e, field) for field in EVENT_FIELDS} for e in process.events],
        "documents": [{"title": d.title, "url": d.url, "kind": d.kind}
                      for d in process.documents],
        "participants": [{field: getattr(p, field) for field in PARTICIPANT_FIELDS}
                         for p in process.participants],
    }


SCALARS = ("convener", "stage", "aim", "modalities", "significance", "intended_outcomes",
           "delegated_to", "recourse", "languages", "decision_rule", "illustrative")
EVENT_FIELDS = ("title", "kind", "announced_on", "starts_at", "location", "remote")
PARTICIPANT_FIELDS = ("name", "organisation", "stakeholder_group", "country", "region", "count")


def public_record(process: Process) -> dict:
    """The record with what the server keeps, as the API returns it."""
    delegated = process.delegated_process
    return {**record_of(process), "verdict": process.verdict,
            "delegated_process": delegated.slug if delegated else None,
            "created_at": process.created_at, "updated_at": process.updated_at}


def subject(process: Process) -> activity.Subject:
    return activity.Subject(RECORD_TYPE, process.id, process.slug, process.name,
                            tags=feed_tags(process))


def feed_tags(process: Process) -> tuple[str, ...]:
    """The issues it handles and the groups and regions of its participants."""
    groups = {participant.stakeholder_group for participant in process.participants}
    regions = {participant.region for participant in process.participants}
    return (*(f"issue:{issue.id}" for issue in process.issues),
            *(f"group:{group}" for group in sorted(groups)),
            *(f"region:{region}" for region in sorted(regions)))


def snapshot(record: dict, fields=None) -> dict:
    return ProcessInput(only=fields).dump(record)


def create_process(data: Mapping, actor: Actor | None) -> Process:
    """Register a process; an editor who registers it becomes one of its stewards."""
    require_role(actor, "editor")
    values = load(ProcessInput(), data)
    slug = values.pop("slug", None)
    with slugs.taken_is_conflict("a process", slug), transaction() as session:
        slug = slugs.choose(session, Process.slug, slug, values["name"], "process")
        process = Process(slug=slug)
        apply(process, values, list(values))
        session.add(process)
        session.flush()
        if actor.user_id is not None:
            session.execute(process_stewards.insert().values(
                process_id=process.id, user_id=actor.user_id))
        record = record_of(process)
        activity.record(session, actor, "created", subject(process), None, snapshot(record))
        assessment.store(session, process, record, actor, subject(process))
    return process


def update_process(slug: str, data: Mapping, actor: Actor | None) -> Process:
    """Change the given fields; an edit that changes nothing records nothing."""
    require_role(actor, "editor")
    values = load(ProcessPatch(), data, partial=True)
    with transaction() as session:
        process = get_process(slug)
        require_steward(actor, process)
        before = record_of(process)
        changed = [key for key, value in values.items() if before[key] != value]
        if not changed:
            return process
        apply(process, values, changed)
        after = record_of(process)
        activity.record(session, actor, "updated", subject(process),
                        snapshot(before, changed), snapshot(after, changed))
        if "stage" in changed and after["stage"] not in NEXT_STAGES[before["stage"]]:
            activity.record(session, actor, "stage_jumped", subject(process),
                            {"stage": before["stage"]}, {"stage": after["stage"]})
        assessment.store(session, process, after, actor, subject(process))
    return process


def authorise_change(actor: Actor | None, process: Process | None = None) -> Actor:
    """Who may register a process (editors), or change this one (its stewards); admins may
    both. What the forms check before being shown or read."""
    actor = require_role(actor, "editor")
    if process is not None:
        require_steward(actor, process)
    return actor


def require_steward(actor: Actor, process: Process) -> None:
    if actor.role == "admin":
        return
    query = db.select(process_stewards.c.user_id).where(
        process_stewards.c.process_id == process.id, process_stewards.c.user_id == actor.user_id)
    if db.session.scalar(query) is None:
        raise Forbidden(f"Only the stewards of '{process.slug}' and admins may change it.")


def apply(process: Process, values: dict, keys: list[str]) -> None:
    for key in keys:
        APPLY.get(key, setattr)(process, key, values[key])


def apply_issues(process: Process, _key: str, slugs: list[str]) -> None:
    found = db.session.scalars(db.select(Issue).where(Issue.slug.in_(slugs))).all()
    missing = sorted(set(slugs) - {issue.slug for issue in found})
    if missing:
        errors = {"issues": [f"'{slug}' is not a registered issue." for slug in missing]}
        raise InvalidInput(" ".join(errors["issues"]), errors)
    process.issues = list(found)


def apply_participation(process: Process, _key: str, terms: dict) -> None:
    process.open_participation = terms["open"]
    process.remote_participation = terms["remote"]
    process.fee, process.fee_waiver = terms["fee"], terms["fee_waiver"]


def apply_delegation(process: Process, _key: str, name: str | None) -> None:
    if name is not None and name == process.slug:
        raise InvalidInput("delegated_to: a process cannot be delegated to itself.",
                           {"delegated_to": ["A process cannot be delegated to itself."]})
    process.delegated_to = name
    process.delegated_process = (db.session.scalar(db.select(Process).where(Process.slug == name))
                                 if name else None)


APPLY = {
    "issues": apply_issues,
    "participation": apply_participation,
    "delegated_to": apply_delegation,
    "events": lambda p, _k, rows: setattr(p, "events", [ProcessEvent(**row) for row in rows]),
    "documents": lambda p, _k, rows: setattr(p, "documents",
                                             [ProcessDocument(**row) for row in rows]),
    "participants": lambda p, _k, rows: setattr(p, "participants",
                                                [Participant(**row) for row in rows]),
}


def process_history(slug: str, args: Mapping) -> Pagination:
    return history_of(get_process(slug), args)


def history_of(process: Process, args: Mapping) -> Pagination:
    page = load(ListArgs(), args)
    return paginate(activity.history_query(RECORD_TYPE, process.id), page)


def latest_assessment(slug: str) -> dict:
    return assessment_of(get_process(slug))


def assessment_of(process: Process) -> dict:
    stored = assessment.latest(process.id)
    if stored is None:  # registered before assessments were stored: assess it now, unsaved
        return assessment.assess(record_of(process), utcnow())
    return stored.result


def assess_draft(data: Mapping) -> dict:
    """Assess a posted record without storing anything: for staff drafting a design."""
    values = load(ProcessInput(), data)
    return assessment.assess({"slug": None, "issues": [], **values}, utcnow())


def delegation_chain(process: Process, limit: int = 10) -> list[Process | str]:
    """Where the work went: registered processes, ending with a named body if any."""
    chain: list[Process | str] = []
    current = process
    while current.delegated_to and len(chain) < limit:
        nxt = current.delegated_process
        if nxt is None:
            chain.append(current.delegated_to)
            break
        if nxt in chain or nxt is process:
            break
        chain.append(nxt)
        current = nxt
    return chain


def empty_record() -> dict:
    """A new process as a form starts it."""
    return {**dict.fromkeys(("name", "slug", *SCALARS), ""), "stage": "proposed",
            "delegated_to": None, "decision_rule": None, "issues": [], "languages": [],
            "illustrative": [], "events": [], "documents": [], "participants": [],
            "participation": dict.fromkeys(("open", "remote", "fee", "fee_waiver"), False)}


def participation_matrix(record: dict) -> dict[str, dict[str, int]]:
    """Participants by stakeholder group × region, every cell present, zeros included."""
    matrix = {group: dict.fromkeys(vocabulary.REGIONS, 0)
              for group in vocabulary.STAKEHOLDER_GROUPS}
    for row in record["participants"]:
        matrix[row["stakeholder_group"]][row["region"]] += row["count"]
    return matrix


COVERED, PARTLY_COVERED, GAP = "covered", "partially covered", "gap"


def coverage_of(verdicts: list[str | None]) -> str:
    """Covered by a process that meets all four principles; a gap when no process handles
    the issue or every one fails; partially covered in between."""
    if "meets" in verdicts:
        return COVERED
    if any(verdict != "fails" for verdict in verdicts):
        return PARTLY_COVERED
    return GAP


def gaps(args: Mapping) -> tuple[str, Pagination, int]:
    """A page of the issues no adequate process covers (`show=gap`) or that are covered only
    in part (`show=partial`), most urgent first; and how many the other list holds."""
    values = load(GapListArgs(), args)
    show = values.pop("show")
    other = "partial" if show == "gap" else "gap"
    total = db.session.scalar(db.select(db.func.count()).select_from(Issue)
                              .where(COVERAGE[other]()))
    order = in_vocabulary_order(Issue.priority, vocabulary.PRIORITIES)
    query = (db.select(Issue).where(COVERAGE[show]()).options(lazyload("*"))
             .order_by(order, Issue.title))
    return show, paginate(query, values), total


def _handled_where(condition):
    handled = (db.select(process_issues.c.issue_id)
               .join(Process, Process.id == process_issues.c.process_id))
    return Issue.id.in_(handled.where(condition))


def _not_failing():
    return _handled_where(Process.verdict.is_(None) | (Process.verdict != "fails"))


COVERAGE = {  # as coverage_of decides it, in SQL
    "gap": lambda: ~_not_failing(),
    "partial": lambda: ~_handled_where(Process.verdict == "meets") & _not_failing(),
}


def processes_for_issue(issue: Issue) -> list[Process]:
    query = (db.select(Process).where(Process.issues.any(Issue.id == issue.id))
             .options(lazyload("*")).order_by(Process.name))
    return list(db.session.scalars(query))


def scorecard(slug: str) -> dict:
    """A process assessed afresh under the current profile, with its name."""
    process = get_process(slug)
    return {"name": process.name, "slug": process.slug,
            **assessment.assess(record_of(process), utcnow())}


def verdicts_now() -> list[tuple[str, str, str]]:
    """(name, slug, overall verdict) of every process, assessed afresh."""
    everyone = db.session.scalars(db.select(Process).order_by(Process.name))
    return [(p.name, p.slug, assessment.assess(record_of(p), utcnow())["overall"])
            for p in everyone]


@dataclass(frozen=True)
class StageChoices:
    in_order: tuple[str, ...]
    out_of_order: tuple[str, ...]


def stage_choices(current: str | None) -> StageChoices:
    """The stages a form offers: where the process is and where it may go next, then the rest.
    A new process may start at any stage, since many are registered mid-way."""
    if current is None:
        return StageChoices(tuple(vocabulary.STAGES), ())
    allowed = {current} | NEXT_STAGES[current]
    return StageChoices(tuple(s for s in vocabulary.STAGES if s in allowed),
                        tuple(s for s in vocabulary.STAGES if s not in allowed))


def add_steward(slug: str, email: str, actor: Actor | None) -> None:
    """Let an editor keep a process; only admins hand out stewardship."""
    require_role(actor, "admin")
    with transaction() as session:
        process, user = get_process(slug), find_user(email)
        if user.role != "editor":
            raise InvalidInput(f"{email} is {user.role}: only editors steward processes.")
        exists = db.select(process_stewards).where(process_stewards.c.process_id == process.id,
                                                   process_stewards.c.user_id == user.id)
        if session.execute(exists).first() is None:
            session.execute(process_stewards.insert().values(process_id=process.id,
                                                             user_id=user.id))
            activity.record(session, actor, "steward_added", subject(process), None,
                            {"steward": user.name})


def names_kept_by(actor: Actor) -> list[tuple[str, str]]:
    """(slug, name) of the processes the actor keeps: those they steward, or all for an admin."""
    query = db.select(Process.slug, Process.name).order_by(Process.name)
    if actor.role != "admin":
        query = query.join(process_stewards).where(process_stewards.c.user_id == actor.user_id)
    return list(db.session.execute(query))


def all_names() -> list[tuple[str, str]]:
    """(slug, name) of every process, for choosing one in a form."""
    return list(db.session.execute(db.select(Process.slug, Process.name).order_by(Process.name)))


def search_document(process: Process) -> search.Document:
    body = "\n".join([process.convener, process.aim, process.modalities, process.significance,
                      process.intended_outcomes, *(issue.title for issue in process.issues),
                      *(text for texts in process.translations.values()
                        for text in texts.values())])
    return search.Document(
        key=f"process:{process.id}", type="process", title=process.name, body=body,
        url=f"/processes/{process.slug}", updated=process.updated_at,
        facets={**participation_facets(process), "stage": (process.stage,),
                "verdict": (process.verdict or "unknown",),
                "action_line": tuple(sorted({code for issue in process.issues
                                             for code in issue.action_lines}))})


def participation_facets(process: Process) -> dict[str, tuple[str, ...]]:
    """The issues a process handles and who takes part: facets of it and what belongs to it."""
    return {"issue": tuple(issue.slug for issue in process.issues),
            "stakeholder_group": tuple(sorted({p.stakeholder_group for p in process.participants})),
            "region": tuple(sorted({p.region for p in process.participants}))}
