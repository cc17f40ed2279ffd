"""Loading the bundled records in data/ through the services, idempotently."""

import json
from collections.abc import Iterator
from pathlib import Path

from .auth.permissions import SYSTEM
from .exceptions import DomainError, NotFound
from .issues import service as issues
from .vocabulary import DATA_DIR

ISSUES_FILE = DATA_DIR / "issues.json"


class SeedError(Exception):
    """A bundled record the services refused, named by file, line and slug."""


def issue_records(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["issues"]


def seed_issues(records: list[dict], path: Path) -> Iterator[str]:
    """Create missing issues and bring changed ones up to date; yields each slug done."""
    for record in records:
        try:
            upsert_issue(record)
        except DomainError as error:
            raise SeedError(f"{where(path, record)}: {error.detail}") from None
        yield record["slug"]


def upsert_issue(record: dict) -> None:
    changes = {key: value for key, value in record.items() if key != "slug"}
    try:
        issues.update_issue(record["slug"], changes, SYSTEM)
    except NotFound:
        issues.create_issue(record, SYSTEM)


def where(path: Path, record: dict) -> str:
    slug = record.get("slug", "?")
    text = path.read_text(encoding="utf-8")
    position = text.find(f'"slug": "{slug}"')
    line = text.count("\n", 0, position) + 1 if position >= 0 else "?"
    return f"{path.name}, line {line} (issue '{slug}')"
