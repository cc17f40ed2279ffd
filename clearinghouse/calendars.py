"""iCalendar (RFC 5545) feeds of consultation deadlines and process meetings. The only module
importing icalendar: callers hand it plain `CalendarEvent`s and get deterministic bytes back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vDuration, vText

PRODID = "-//Clearinghouse//Clearinghouse calendar 1.0//EN"
# A deadline is a moment; half an hour is the shortest slot every client's week view labels.
DEADLINE_LENGTH = timedelta(minutes=30)
REFRESH = timedelta(hours=12)  # how often subscribed clients should fetch the feed again
# C0 and C1 controls except tab and newline, and lone surrogates, which UTF-8 cannot encode.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable, globally unique: "consultation-12-deadline@clearinghouse.example"
    title: str
    starts_at: datetime  # aware
    ends_at: datetime | None  # None: a moment (a deadline), shown as DEADLINE_LENGTH
    url: str  # absolute URL of the page
    description: str  # plain text
    location: str | None = None
    updated: datetime | None = None  # DTSTAMP and LAST-MODIFIED; else the fallback stamp


def calendar(name: str, description: str, events: Iterable[CalendarEvent], *,
             fallback_stamp: datetime) -> bytes:
    """The events as one published calendar, sorted by start then uid; the same input always
    gives the same bytes, because no time is read from the clock."""
    stamp = _utc(fallback_stamp)
    cal = Calendar()
    for key, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH")):
        cal.add(key, value)
    for key in ("name", "x-wr-calname"):  # NAME is RFC 7986; Google and Outlook read X-WR-*
        cal.add(key, _text(name))
    for key in ("description", "x-wr-caldesc"):
        cal.add(key, _text(description))
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for event in sorted(events, key=lambda event: (_utc(event.starts_at), event.uid)):
        cal.add_component(_vevent(event, stamp))
    return cal.to_ical()


def _vevent(event: CalendarEvent, fallback_stamp: datetime) -> Event:
    starts_at = _utc(event.starts_at)
    stamp = _utc(event.updated) if event.updated else fallback_stamp
    vevent = Event()
    vevent.add("uid", _text(event.uid))
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("dtstart", starts_at)
    vevent.add("dtend", _end(event, starts_at))
    vevent.add("summary", _text(event.title))
    vevent.add("description", _text(event.description))
    if event.location is not None:
        vevent.add("location", _text(event.location))
    vevent.add("url", _url(event.url))
    if event.ends_at is None:  # a deadline does not make anyone busy
        vevent.add("transp", "TRANSPARENT")
    return vevent


def _end(event: CalendarEvent, starts_at: datetime) -> datetime:
    if event.ends_at is None:
        return starts_at + DEADLINE_LENGTH
    ends_at = _utc(event.ends_at)
    if ends_at < starts_at:
        raise ValueError(f"{event.uid}: ends at {ends_at:%Y-%m-%dT%H:%M:%SZ}, before it starts")
    return ends_at


def _utc(moment: datetime) -> datetime:
    """The moment in UTC, whole seconds (iCalendar has no fractions); naive input is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} is naive; calendar times must be aware")
    return moment.astimezone(UTC).replace(microsecond=0)


def _text(value: str) -> vText:
    """Text without control characters; vText escapes the rest (NAME and X-WR-* otherwise not)."""
    return vText(_CONTROL.sub("", re.sub(r"\r\n?", "\n", value)))


def _url(value: str) -> str:
    url = _CONTROL.sub("", value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an absolute http(s) URL")
    return url
