"""Feeds and calendars over HTTP: activity events as entries that say in words what
changed, and answers to conditional requests that cost no rendering."""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, request, url_for
from werkzeug.http import is_resource_modified

from . import activity, feeds, vocabulary
from .formatting import format_value

KINDS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
ENTRIES = 50
NOUNS = {"issue": "Issue", "process": "Process", "consultation": "Consultation",
         "submission": "Feedback on"}


def tag_uri(specific: str) -> str:
    """A stable id: the same event gets the same id whatever host serves the feed."""
    return f"tag:{current_app.config['TAG_AUTHORITY']},2026:{specific}"


def entry(event: activity.ActivityEvent) -> feeds.Entry:
    return feeds.Entry(
        id=tag_uri(f"event/{event.id}"),
        title=f"{NOUNS.get(event.record_type, event.record_type)} “{event.record_title}”: "
              f"{event.action.replace('_', ' ')}",
        link=url_for_event(event),
        updated=event.occurred_at,
        summary=describe(event),
        author=event.actor_name,
        categories=(event.record_type,),
    )


def url_for_event(event: activity.ActivityEvent) -> str:
    return request.host_url.rstrip("/") + (activity.page_url(event) or "/")


def describe(event: activity.ActivityEvent) -> str:
    """What changed, in a sentence or two a person can read in a feed reader."""
    after, before = event.after or {}, event.before or {}
    if event.record_type == "submission":
        return submission_sentence(event.action, after or before)
    if event.action == "answered":
        subject = f"feedback #{after['submission_id']}" if after.get("submission_id") \
            else f"the theme “{after.get('theme')}”"
        return f"{event.actor_name} answered {subject}: {format_value(after.get('text'))}"
    if event.action == "created":
        return f"Added by {event.actor_name}."
    changes = "; ".join(f"{field.replace('_', ' ')}: {format_value(before.get(field))} → "
                        f"{format_value(value)}" for field, value in after.items())
    return f"{event.actor_name} changed {changes}."


def submission_sentence(action: str, facts: dict) -> str:
    group = vocabulary.STAKEHOLDER_GROUPS[facts["stakeholder_group"]].label
    region = vocabulary.REGIONS[facts["region"]].label
    who = f"{vocabulary.COUNTRIES[facts['country']].name} ({group}, {region})"
    verbs = {"published": "New feedback from", "withdrawn": "Feedback withdrawn by its author:",
             "rejected": "Feedback removed by a moderator:",
             "amended": "Feedback changed by its author:"}
    return f"{verbs.get(action, action)} {who}."


def tag_feed(kind: str, tag: str | None, *, title: str, subtitle: str, link: str) -> Response:
    """The feed of the events with `tag` (every event for None); its id follows the tag."""
    key = tag.replace(":", "/") if tag else "updates"
    return feed_response(kind, key=key, title=f"Clearinghouse: {title}", subtitle=subtitle,
                         link=link, events=activity.tagged(tag, ENTRIES))


def feed_response(kind: str, *, key: str, title: str, subtitle: str, link: str,
                  events: list[activity.ActivityEvent]) -> Response:
    """The feed of `events` (newest first), or 304 when the reader has it already."""
    newest = events[0] if events else None
    etag = hashlib.sha256(f"{key}|{kind}|{newest.id if newest else 0}|{len(events)}|"
                          f"{request.host}".encode()).hexdigest()[:32]
    modified = (newest.occurred_at if newest else current_app.config["FEEDS_EPOCH"])

    def build() -> bytes:
        feed = feeds.Feed(
            id=tag_uri(f"feed/{key}"), title=title, subtitle=subtitle,
            link=request.host_url.rstrip("/") + link,
            self_link=request.base_url, author="Clearinghouse",
            entries=tuple(entry(event) for event in events),
            fallback_updated=current_app.config["FEEDS_EPOCH"],
        )
        return feeds.atom(feed) if kind == "atom" else feeds.rss(feed)

    return conditional(etag, modified, build, KINDS[kind])


def conditional(etag: str, modified: datetime, build: Callable[[], bytes],
                mimetype: str) -> Response:
    """Answer If-None-Match / If-Modified-Since before building anything."""
    modified = modified.astimezone(UTC).replace(microsecond=0)
    response = Response(mimetype=mimetype)
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = 300
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response.status_code = 304
        return response
    response.set_data(build())
    return response


def calendar_response(body: bytes, modified: datetime) -> Response:
    etag = hashlib.sha256(body).hexdigest()[:32]
    return conditional(etag, modified, lambda: body, "text/calendar")


def feed_links(key: str, endpoint: str, **values) -> list[tuple[str, str, str]]:
    """<link rel=alternate> data for a page: (title, url, type) of its Atom and RSS feeds."""
    return [(f"{key} ({kind.upper() if kind == 'rss' else 'Atom'})",
             url_for(endpoint, kind=kind, **values), mimetype)
            for kind, mimetype in KINDS.items()]


