"""The hash chain that makes the activity log tamper-evident: each event's hash covers
its content and the hash of the event before it. Pure: no database, no Flask."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
CHAINED = ("occurred_at", "actor_name", "action", "record_type", "record_id", "record_key",
           "record_title", "context_type", "context_id", "before", "after", "tags")


def canonical(event: Mapping) -> bytes:
    """One serialisation for one event, whatever the database or the order of keys."""
    content = {field: event[field] for field in CHAINED}
    content["occurred_at"] = stamp(event["occurred_at"])
    content["tags"] = sorted(event["tags"])
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link(previous: str, event: Mapping) -> str:
    return hashlib.sha256(previous.encode("ascii") + canonical(event)).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain first fails, and how."""

    event_id: int
    reason: str


def first_break(events: Iterable[Mapping]) -> Break | None:
    """Walk the events in order; None when every one links to the one before."""
    previous = GENESIS
    for event in events:
        if event["prev_hash"] != previous:
            return Break(event["id"], "it does not link to the event before it")
        if link(previous, event) != event["hash"]:
            return Break(event["id"], "its content does not match its hash")
        previous = event["hash"]
    return None
