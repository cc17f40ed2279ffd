"""Loading the bundled records in data/ through the services, idempotently."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from .auth.permissions import SYSTEM
from .exceptions import DomainError, NotFound
from .issues import service as issues
from .processes import service as processes
from .vocabulary import DATA_DIR

KINDS = ("issues", "processes")  # in this order: processes name the issues they handle
NOUNS = {"issues": "issue", "processes": "process"}
FILES = {kind: DATA_DIR / f"{kind}.json" for kind in KINDS}


class SeedError(Exception):
    """A bundled record the services refused, named by file, line and slug."""


def records(kind: str, path: Path) -> list[dict]:
    found = json.loads(path.read_text(encoding="utf-8"))[kind]
    return delegations_first(found) if kind == "processes" else found


def delegations_first(found: list[dict]) -> list[dict]:
    """Processes that others delegate to come before them, so the link can be made."""
    pending, ordered = list(found), []
    while pending:
        waiting = {record["slug"] for record in pending}
        ready = [r for r in pending if r.get("delegated_to") not in waiting - {r["slug"]}]
        ready = ready or pending  # a cycle: take them as they come
        ordered += ready
        pending = [r for r in pending if r not in ready]
    return ordered


def seed(kind: str, found: list[dict], path: Path) -> Iterator[str]:
    """Create missing records and bring changed ones up to date; yields each slug done."""
    for record in found:
        try:
            UPSERTS[kind](record)
        except DomainError as error:
            raise SeedError(f"{where(path, record, kind)}: {error.detail}") from None
        yield record["slug"]


def upsert(update: Callable, create: Callable, record: dict) -> None:
    changes = {key: value for key, value in record.items() if key != "slug"}
    try:
        update(record["slug"], changes, SYSTEM)
    except NotFound:
        create(record, SYSTEM)


UPSERTS = {
    "issues": lambda record: upsert(issues.update_issue, issues.create_issue, record),
    "processes": lambda record: upsert(processes.update_process, processes.create_process,
                                       record),
}


def where(path: Path, record: dict, kind: str) -> str:
    slug = record.get("slug", "?")
    text = path.read_text(encoding="utf-8")
    position = text.find(f'"slug": "{slug}"')
    line = text.count("\n", 0, position) + 1 if position >= 0 else "?"
    return f"{path.name}, line {line} ({NOUNS[kind]} '{slug}')"
