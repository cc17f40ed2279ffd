"""The feed adapter: every Atom output valid against RFC 4287, RSS 2.0 readable, bytes stable."""

import ast
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from clearinghouse import feeds
from clearinghouse.feeds import Entry, Feed

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"atom": ATOM[1:-1]}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ZONED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HOSTILE = "Alert\x00 \x0cme\x1b\ufffe\ud800 <script>alert(1)</script>"


def entry(number: int, **changes) -> Entry:
    made = Entry(
        id=f"tag:clearinghouse.example,2026:event/{number}",
        title=f"Issue {number} changed",
        link=f"https://clearinghouse.example/issues/{number}",
        updated=NOON - timedelta(hours=number),
        summary=f"The title of issue {number} changed from 'Old' to 'New'.",
        author="Ama Mensah",
        categories=("issues", "Africa"),
    )
    return replace(made, **changes)


def feed(*entries: Entry, **changes) -> Feed:
    made = Feed(
        id="tag:clearinghouse.example,2026:feed/site",
        title="Clearinghouse: all changes",
        subtitle="Every change to every public record",
        link="https://clearinghouse.example/",
        self_link="https://clearinghouse.example/feeds/all.atom",
        author="Clearinghouse",
        entries=entries,
        fallback_updated=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return replace(made, **changes)


HOSTILE_FEED = feed(
    entry(1, title=HOSTILE, summary=HOSTILE, author=HOSTILE, categories=(HOSTILE, "\x00")),
    entry(2, title="\x00\x0c"),
    title=f"Feedback on {HOSTILE}",
    subtitle=HOSTILE,
)
FEEDS = {
    "several entries": feed(entry(1), entry(2), entry(3)),
    "one entry without categories": feed(entry(1, categories=())),
    "empty": feed(),
    "a submission full of control characters": HOSTILE_FEED,
    "dates in another time zone": feed(
        entry(1, updated=datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5))))
    ),
}


def valid_atom(made: Feed, schema: etree.RelaxNG) -> etree._Element:
    """Generate, then check all RFC 4287 asks: grammar, and what the grammar cannot say."""
    body = feeds.atom(made)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = etree.fromstring(body, PARSER)
    assert schema.validate(root), schema.error_log
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    assert [link.get("href") for link in root.iterfind(f"{ATOM}link[@rel='self']")] == [
        made.self_link
    ]
    dates = root.iter(f"{ATOM}updated", f"{ATOM}published")
    assert all(ZONED.fullmatch(date.text) for date in dates)
    nodes = root.findall(f"{ATOM}entry")
    assert [node.findtext(f"{ATOM}id") for node in nodes] == [e.id for e in made.entries]
    assert all(node.xpath("atom:link[not(@rel) or @rel='alternate']", namespaces=NS)
               for node in nodes)
    stamps = [datetime.fromisoformat(node.findtext(f"{ATOM}updated")) for node in nodes]
    assert stamps == sorted(stamps, reverse=True)
    return root


@pytest.mark.parametrize("made", FEEDS.values(), ids=FEEDS.keys())
def test_every_atom_feed_is_valid_rfc_4287(made, atom_schema):
    valid_atom(made, atom_schema)


@pytest.mark.parametrize("made", FEEDS.values(), ids=FEEDS.keys())
def test_every_rss_feed_is_rss_2_with_a_guid_on_every_item(made):
    body = feeds.rss(made)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = etree.fromstring(body, PARSER).find("channel")
    assert channel.findtext("title") and channel.findtext("description")
    assert channel.findtext("link") == made.link
    guids = [(item.findtext("guid"), item.find("guid").get("isPermaLink"))
             for item in channel.iterfind("item")]
    assert guids == [(e.id, "false") for e in made.entries]
    assert all(item.findtext("pubDate").endswith("+0000") for item in channel.iterfind("item"))


def test_the_atom_schema_is_not_vacuous_and_refuses_a_feed_without_an_id(atom_schema):
    root = etree.fromstring(feeds.atom(feed(entry(1))), PARSER)
    root.remove(root.find(f"{ATOM}id"))
    assert not atom_schema.validate(root)


def test_the_schema_alone_passes_a_feed_without_author_link_or_time_zone(atom_schema):
    """Why valid_atom asserts these itself: schematron is skipped; xsd:dateTime has no offset."""
    bare = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:f</id><title>t</title>'
        "<updated>2026-01-01T00:00:00</updated><entry><id>tag:x,2026:e</id><title>t</title>"
        "<updated>2026-01-01T00:00:00</updated></entry></feed>"
    )
    assert atom_schema.validate(etree.fromstring(bare.encode(), PARSER))


def test_a_submission_full_of_control_characters_keeps_its_words_and_loses_the_controls(
    atom_schema,
):
    root = valid_atom(HOSTILE_FEED, atom_schema)
    first = root.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title") == "Alert me <script>alert(1)</script>"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Alert me <script>alert(1)</script>"
    assert [c.get("term") for c in first.iterfind(f"{ATOM}category")] == [
        "Alert me <script>alert(1)</script>"
    ]
    for body in (feeds.atom(HOSTILE_FEED), feeds.rss(HOSTILE_FEED)):
        assert not NOT_XML.search(body.decode())


def test_a_title_that_was_only_control_characters_reads_untitled(atom_schema):
    second = valid_atom(HOSTILE_FEED, atom_schema).findall(f"{ATOM}entry")[1]
    assert second.findtext(f"{ATOM}title") == feeds.UNTITLED


def test_a_script_in_a_submission_reaches_atom_only_as_escaped_plain_text():
    body = feeds.atom(HOSTILE_FEED)
    assert b"<script" not in body
    summary = etree.fromstring(body, PARSER).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text" and len(summary) == 0
    parsed = feedparser.parse(body).entries[0].summary_detail
    assert (parsed.type, parsed.value) == ("text/plain", "Alert me <script>alert(1)</script>")


def test_a_script_in_a_submission_reaches_rss_readers_as_text_they_show_not_run():
    """An RSS description is HTML to readers, so the plain text arrives escaped twice."""
    body = feeds.rss(HOSTILE_FEED)
    assert b"<script" not in body
    description = etree.fromstring(body, PARSER).findtext("channel/item/description")
    assert description == "Alert me &lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize("render", [feeds.atom, feeds.rss], ids=["atom", "rss"])
@pytest.mark.parametrize("made", FEEDS.values(), ids=FEEDS.keys())
def test_the_same_feed_gives_the_same_bytes(render, made):
    assert render(made) == render(made)


def test_an_empty_feed_is_valid_and_updated_at_its_fallback(atom_schema):
    empty = feed()
    root = valid_atom(empty, atom_schema)
    assert feeds.updated(empty) == empty.fallback_updated
    assert root.findtext(f"{ATOM}updated") == "2026-01-01T00:00:00+00:00"
    rss = etree.fromstring(feeds.rss(empty), PARSER)
    assert rss.findtext("channel/lastBuildDate") == "Thu, 01 Jan 2026 00:00:00 +0000"


def test_a_feed_is_updated_when_its_newest_entry_was():
    made = feed(entry(2), entry(1), entry(3))
    assert feeds.updated(made) == entry(1).updated
    root = etree.fromstring(feeds.atom(made), PARSER)
    assert root.findtext(f"{ATOM}updated") == "2026-03-01T11:00:00+00:00"


def test_entries_keep_the_order_given_newest_first():
    made = feed(entry(1), entry(2), entry(3))
    items = etree.fromstring(feeds.rss(made), PARSER).iterfind("channel/item")
    assert [item.findtext("guid") for item in items] == [e.id for e in made.entries]


def test_dates_in_another_time_zone_and_naive_dates_are_written_in_utc():
    five_behind = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    made = feed(entry(1, updated=five_behind), entry(2, updated=datetime(2026, 3, 1, 13, 30)))
    root = etree.fromstring(feeds.atom(made), PARSER)
    stamps = root.xpath("//atom:entry/atom:updated/text()", namespaces=NS)
    assert stamps == ["2026-03-01T14:00:00+00:00", "2026-03-01T13:30:00+00:00"]


def test_the_generator_is_named_without_a_version_so_upgrades_keep_the_bytes():
    generator = etree.fromstring(feeds.atom(feed()), PARSER).find(f"{ATOM}generator")
    assert (generator.text, generator.attrib) == ("Clearinghouse", {})


def test_the_feed_module_imports_feedgen_and_no_part_of_the_app():
    tree = ast.parse(Path(feeds.__file__).read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {"feedgen.feed", "feedgen.entry"} <= names
    assert not {name for name in names if name.split(".")[0] in ("clearinghouse", "flask")}
