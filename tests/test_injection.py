"""Hostile text in every free-text field comes back inert everywhere it is shown.

Each payload of tests/xss_payloads.txt goes into every field staff or a visitor can fill;
then every page, feed, calendar and CSV that shows those records is read back. Pages must
hold no script, event handler, javascript: link or other active element a payload could
have made; feeds and calendars must parse to exactly the entries and events expected;
no CSV cell may start as a spreadsheet formula.
"""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from icalendar import Calendar
from lxml import etree

from clearinghouse import indexing, opendata
from clearinghouse.auth import service as accounts
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.feedback import moderation
from clearinghouse.feedback import service as feedback
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes
from tests.conftest import PASSWORD, csrf_token

PAYLOADS = [line for line in (Path(__file__).parent / "xss_payloads.txt")
            .read_text(encoding="utf-8").splitlines() if line and not line.startswith("# ")]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clip(text: str, limit: int) -> str:
    return text[:limit].strip() or "x"


@pytest.fixture
def app(app, monkeypatch):
    app.config["SUBMISSION_RATE_LIMIT"] = "10000 per minute"
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    return app


def short(payload: str, n: int) -> str:
    """The payload as a title: numbered, so each record of a batch has its own."""
    return clip(f"{payload} {n}", 200) if len(payload) < 196 else clip(payload, 200)


def fill_everything(app, payload: str, n: int = 0) -> dict:
    """Every free-text field of every kind of record holds the payload (cut to its limit)."""
    title = short(payload, n)
    now = datetime.now(UTC)
    with app.app_context():
        if n == 0:
            accounts.create_user({"email": "staff@example.org", "role": "admin",
                                  "name": title, "password": PASSWORD})
        actor = accounts.actor_for(accounts.user_by_email("staff@example.org"))
        issue = issues.create_issue({
            "title": title, "summary": clip(payload, 500), "description": payload,
            "aspects": [clip(payload, 300)], "category": "internet_governance",
            "action_lines": ["C5"]}, actor)
        process = processes.create_process({
            "name": title, "issues": [issue.slug], "convener": title, "aim": payload,
            "modalities": payload, "significance": payload, "intended_outcomes": payload,
            "delegated_to": title, "recourse": payload, "languages": ["en"],
            "events": [{"title": title, "kind": "meeting", "location": title,
                        "starts_at": (now + timedelta(days=9)).isoformat()}],
            "documents": [{"title": title, "url": "https://example.org/?q=" + quote(payload)}],
            "participants": [{"name": title, "organisation": title,
                              "stakeholder_group": "civil_society", "country": "GH"}],
        }, actor)
        consultation = feedback.create_consultation({
            "process": process.slug, "title": title, "text": payload,
            "url": "https://example.org/?q=" + quote(payload),
            "sections": [{"ref": clip(payload, 20), "title": title}],
            "questions": [{"id": "q1", "kind": "scale", "prompt": clip(payload, 500)},
                          {"id": "q2", "kind": "single", "prompt": "Which?",
                           "options": [title, "plain"]},
                          {"id": "q3", "kind": "text", "prompt": "Anything?"}],
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=5)).isoformat()}, actor)
        submission, receipt = feedback.submit(consultation.id, {
            "stakeholder_group": "civil_society", "country": "GH", "name": title,
            "organisation": title, "on_behalf_of_organisation": True,
            "answers": {"q1": 4, "q2": title, "q3": payload}, "comment": payload,
            "comments": [{"section": clip(payload, 20), "text": payload}],
            "consent_to_publish": True})
        feedback.respond(consultation.id, {"theme": title, "text": payload}, actor)
        feedback.respond(consultation.id, {"submission_id": submission.id, "text": payload},
                         actor)
        moderation.report(submission.id, {"reason": clip(payload, 1000)})
        indexing.drain()  # so search pages show the payloads in their snippets
        return {"issue": issue.slug, "process": process.slug, "consultation": consultation.id,
                "receipt": receipt}


class ActiveContent(HTMLParser):
    """Collects what a browser would run or load from a page: scripts, handlers, frames,
    javascript: and data: URLs, refreshes, style that runs code."""

    TAGS = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base",
                      "style", "meta", "link", "math", "details", "body", "img", "input",
                      "table", "xmp"})
    URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "background",
                                "dynsrc", "xlink:href", "poster"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.TAGS and not self.allowed(tag, attributes):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in self.URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:",
                                                                  "data:")):
                self.found.append(f"<{tag} {name}={value[:30]}>")
            if name == "style" and re.search(r"expression|url\(|javascript", value):
                self.found.append(f"<{tag} style={value[:30]}>")

    @staticmethod
    def allowed(tag: str, attributes: dict) -> bool:
        """What the site's own templates use: one stylesheet, charset and viewport, the body,
        one disclosure."""
        if tag == "link":
            return attributes.get("rel") in ("stylesheet", "alternate", "icon")
        if tag == "meta":
            return "http-equiv" not in attributes
        if tag == "details":  # the staff forms' own "In other languages"
            return attributes.get("id") == "translations"
        return tag in ("body", "table", "input") and not any(
            attributes.get(name) for name in ("background", "src"))


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def pages(world: dict) -> list[str]:
    consultation, slug, issue = world["consultation"], world["process"], world["issue"]
    return [f"/issues/{issue}", f"/processes/{slug}", f"/consultations/{consultation}",
            f"/receipts/{world['receipt']}"]


LISTS = ["/", "/issues", "/processes", "/gaps", "/consultations", "/consultations?state=open",
         "/feeds", "/data", "/search?q=alert", "/search?q=script"]
STAFF_PAGES = ["/moderation", "/consultations/new"]


def feeds(world: dict) -> list[str]:
    consultation, slug, issue = world["consultation"], world["process"], world["issue"]
    return [f"{path}.{kind}" for kind in ("atom", "rss") for path in (
        f"/issues/{issue}/feed", f"/processes/{slug}/feed", f"/consultations/{consultation}/feed")]


FEEDS = [f"{path}.{kind}" for kind in ("atom", "rss") for path in (
    "/feeds/updates", "/feeds/stakeholder/civil_society", "/feeds/region/africa")]
BATCHES = 6


@pytest.fixture(params=range(BATCHES))
def batch(request) -> list[str]:
    """A sixth of the corpus: a world per payload would take minutes."""
    return PAYLOADS[request.param::BATCHES]


def test_hostile_text_in_every_field_comes_back_inert_everywhere(app, client, batch, tmp_path):
    worlds = [fill_everything(app, payload, n) for n, payload in enumerate(batch)]
    for path in LISTS + [path for world in worlds for path in pages(world)]:
        check_page(client, path)
    sign_in(client)
    for path in STAFF_PAGES + [path for world in worlds for path in edit_pages(world)]:
        check_page(client, path)
    for payload in batch:
        check_refused_form(client, payload)
    for path in FEEDS + [path for world in worlds for path in feeds(world)]:
        check_feed(client.get(path).data, path)
    check_calendars(client, worlds, batch)
    check_csv(app, client, worlds, batch, tmp_path)


def check_page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert active_content(response.get_data(as_text=True)) == [], path


def sign_in(client) -> None:
    form = {"email": "staff@example.org", "password": PASSWORD,
            "csrf_token": csrf_token(client, "/login")}
    assert client.post("/login", data=form).status_code == 302


def edit_pages(world: dict) -> list[str]:
    return [f"/issues/{world['issue']}/edit", f"/processes/{world['process']}/edit"]


def check_refused_form(client, payload: str) -> None:
    """A refused form shows what was typed back to its author, escaped."""
    form = {"title": payload, "summary": payload, "category": payload,
            "csrf_token": csrf_token(client, "/login")}
    refused = client.post("/issues/new", data=form)
    assert refused.status_code == 422
    assert active_content(refused.get_data(as_text=True)) == [], payload


ATOM = "{http://www.w3.org/2005/Atom}"
FEED_TAGS = {"feed", "id", "title", "subtitle", "updated", "author", "name", "link", "generator",
             "entry", "summary", "published", "category", "rss", "channel", "description",
             "lastBuildDate", "pubDate", "item", "guid", "docs", "language"}


def check_feed(body: bytes, path: str) -> None:
    """Only the format's own elements; what readers render as HTML holds no markup at all."""
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False))
    assert {str(element.tag).removeprefix(ATOM) for element in root.iter()} <= FEED_TAGS, path
    for element in root.iter():
        if element.get("type") == "html" or element.tag == "description":
            assert active_content(element.text or "") == [], path
            assert "<" not in (element.text or ""), path


CALENDAR_PROPERTIES = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL",
                       "LOCATION", "LAST-MODIFIED", "TRANSP", "STATUS", "SEQUENCE", "CLASS"}


def check_calendars(client, worlds: list[dict], batch: list[str]) -> None:
    """Exactly the events expected, each with its text as written: nothing broke out of a
    property into new ones."""
    deadlines = Calendar.from_ical(client.get("/consultations.ics").data).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in deadlines) == sorted(
        f"Feedback deadline: {short(payload, n)}" for n, payload in enumerate(batch))
    for n, (world, payload) in enumerate(zip(worlds, batch, strict=True)):
        path = f"/processes/{world['process']}/calendar.ics"
        events = Calendar.from_ical(client.get(path).data).walk("VEVENT")
        assert [(str(e["SUMMARY"]), str(e["LOCATION"])) for e in events] == [
            (f"{short(payload, n)} ({short(payload, n)})", short(payload, n))], path
        assert {name for event in events for name in event} <= CALENDAR_PROPERTIES, path


def csv_cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def check_csv(app, client, worlds: list[dict], batch: list[str], tmp_path) -> None:
    """No cell of any CSV the site makes starts as a formula, and a neutralised one still
    shows the text as it was."""
    bodies = {path: client.get(path).get_data(as_text=True) for world in worlds for path in (
        f"/consultations/{world['consultation']}/submissions.csv",
        f"/consultations/{world['consultation']}/summary.csv")}
    with app.app_context():
        opendata.export(tmp_path / "dump")
    bodies.update((path.name, path.read_text(encoding="utf-8"))
                  for path in (tmp_path / "dump").glob("*.csv"))
    for name, body in bodies.items():
        assert [cell for cell in csv_cells(body) if cell.startswith(FORMULA_STARTS)] == [], name
    titles = csv_cells(bodies["issues.csv"])
    for n, payload in enumerate(batch):
        title = short(payload, n)
        assert ("'" + title if title.startswith(FORMULA_STARTS) else title) in titles


QUOTES_AND_WILDCARDS = ["'", '"', "%", "_", "\\", "--", "' OR '1'='1", "%' --", "a_b%",
                        "\\%", "'; DROP TABLE issues; --", '" OR ""="']
FILTERS = {
    "/api/v1/issues": ("category", "priority", "action_line", "page", "per_page"),
    "/api/v1/processes": ("issue", "stage", "verdict", "stakeholder_group", "region"),
    "/api/v1/consultations": ("state", "process", "issue", "stakeholder_group", "region"),
    "/api/v1/consultations/1/submissions": ("stakeholder_group", "region"),
    "/api/v1/consultations/1/summary": ("stakeholder_group", "region"),
    "/api/v1/search": ("type", "stakeholder_group", "region", "stage", "action_line",
                       "verdict", "issue", "page"),
    "/issues": ("category", "priority", "action_line"),
    "/processes": ("issue", "stage", "verdict", "stakeholder_group", "region"),
    "/consultations": ("state", "process", "issue", "stakeholder_group", "region"),
    "/search": ("type", "stakeholder_group", "region", "issue"),
}


@pytest.mark.parametrize("value", QUOTES_AND_WILDCARDS)
def test_quotes_and_wildcards_are_refused_by_every_filter_and_matched_literally_by_search(
        app, client, value):
    """Filters take vocabulary terms and slugs, so these are refused with a 4xx; search
    takes words, so it answers, matching no record that lacks them."""
    with app.app_context():
        fill_everything(app, f"Spectrum {value} policy")
        issues.create_issue({"title": "Unrelated", "category": "development"}, SYSTEM)
        indexing.drain()
    for path, names in FILTERS.items():
        for name in names:
            response = client.get(path, query_string={name: value})
            assert 400 <= response.status_code < 500, (path, name, response.status_code)
    assert client.get("/search", query_string={"q": value}).status_code == 200
    alone = client.get("/api/v1/search", query_string={"q": value})
    assert "Unrelated" not in [hit["title"] for hit in alone.get_json()["hits"]]
    found = client.get("/api/v1/search", query_string={"q": f"Spectrum {value}"}).get_json()
    assert found["hits"] and "Unrelated" not in [hit["title"] for hit in found["hits"]]
