"""Atom and RSS 2.0 from plain dataclasses: the only module that knows feedgen.

Output is deterministic: the same feed gives the same bytes, so ETags are cheap.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

GENERATOR = "Clearinghouse"  # no version: it would change the bytes on every upgrade
UNTITLED = "(untitled)"

Summary = Callable[[FeedEntry, str], None]  # sets an entry's summary for one format

# Everything outside XML 1.0's Char production; lxml refuses these, so one would 500 a feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    id: str  # a stable tag: URI, e.g. "tag:clearinghouse.example,2026:event/42"
    title: str
    link: str  # absolute URL of the record's page
    updated: datetime  # aware; converted to UTC
    summary: str  # plain text saying in words what changed
    author: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str  # tag: URI of the feed
    title: str
    subtitle: str
    link: str  # the HTML page the feed follows
    self_link: str  # the feed's own URL (Atom rel=self); give the RSS URL when calling rss()
    author: str  # feed-level author, required for valid Atom (RFC 4287 4.1.1)
    entries: tuple[Entry, ...]  # newest first
    fallback_updated: datetime  # the feed's updated when it has no entries


def atom(feed: Feed) -> bytes:
    return _generator(feed, _atom_summary).atom_str(pretty=True)


def rss(feed: Feed) -> bytes:
    return _generator(feed, _rss_summary).rss_str(pretty=True)


def updated(feed: Feed) -> datetime:
    """The newest entry's updated, or the fallback: never the clock, so output is stable."""
    return max((_utc(entry.updated) for entry in feed.entries),
               default=_utc(feed.fallback_updated))


def _generator(feed: Feed, summary: Summary) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(_clean(feed.id))
    fg.title(_clean(feed.title))
    fg.subtitle(_clean(feed.subtitle) or _clean(feed.title))  # RSS requires a description
    fg.author(name=_clean(feed.author) or GENERATOR)  # without one the Atom is invalid
    # feedgen takes the RSS channel <link> from the last link added, so the page goes last.
    fg.link(href=_clean(feed.self_link), rel="self")
    fg.link(href=_clean(feed.link), rel="alternate")
    fg.generator(GENERATOR)
    fg.updated(updated(feed))
    fg.pubDate(updated(feed))
    for entry in feed.entries:
        fg.add_entry(_entry(entry, summary), order="append")  # feedgen prepends by default
    return fg


def _entry(entry: Entry, summary: Summary) -> FeedEntry:
    fe = FeedEntry()
    fe.id(_clean(entry.id))  # also the RSS guid, isPermaLink="false"
    fe.title(_clean(entry.title) or UNTITLED)
    fe.link(href=_clean(entry.link), rel="alternate")
    fe.updated(_utc(entry.updated))
    fe.published(_utc(entry.updated))  # an event never changes: gives RSS its pubDate
    summary(fe, _clean(entry.summary))
    if author := _clean(entry.author):
        fe.author(name=author)
    if terms := [term for term in map(_clean, entry.categories) if term]:
        fe.category([{"term": term} for term in terms])
    return fe


def _atom_summary(fe: FeedEntry, text: str) -> None:
    fe.summary(text, type="text")  # never html: feedgen escapes markup but does not sanitise it


def _rss_summary(fe: FeedEntry, text: str) -> None:
    """RSS readers render <description> as HTML, so plain text is escaped once more for them."""
    fe.summary(html.escape(text, quote=False))


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value (as SQLite hands back) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
