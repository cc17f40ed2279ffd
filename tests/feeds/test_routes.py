"""Every feed and calendar the site serves: valid, advertised, saying what changed, and
cheap to poll."""

import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.feedback import service as feedback
from clearinghouse.issues import service as issues
from clearinghouse.processes import service as processes
from tests.feeds.conftest import PARSER

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
HOSTILE = "Ring\x07 <script>alert(1)</script> & more"


@pytest.fixture
def data(app):
    """An issue, a process handling it with African civil society, a consultation, feedback."""
    now = datetime.now(UTC)
    with app.app_context():
        issue = issues.create_issue({"title": "Access", "category": "development"}, SYSTEM)
        processes.create_process({
            "name": "Access network", "issues": ["access"], "stage": "deliberation",
            "events": [{"title": "Plenary", "kind": "meeting", "announced_on": "2026-01-01",
                        "starts_at": "2026-03-01T09:00:00Z", "location": "Nairobi"}],
            "participants": [{"stakeholder_group": "civil_society", "country": "KE"}]}, SYSTEM)
        consultation = feedback.create_consultation({
            "process": "access-network", "title": "Draft", "opens_at": (
                now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=9)).isoformat()}, SYSTEM)
        feedback.submit(consultation.id, {"stakeholder_group": "civil_society",
                                          "country": "GH", "name": "Ama",
                                          "comment": "Cheaper data.", "consent_to_publish": True})
        return {"issue": issue.id, "consultation": consultation.id}


def feed_urls(data) -> list[str]:
    base = ["/feeds/updates", "/feeds/region/africa", "/feeds/stakeholder/civil_society",
            "/issues/access/feed", "/processes/access-network/feed",
            f"/consultations/{data['consultation']}/feed"]
    return [f"{url}.{kind}" for url in base for kind in ("atom", "rss")]


def test_every_feed_is_valid_and_has_entries(client, data, atom_schema):
    for url in feed_urls(data):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = feedparser.parse(response.data)
        assert not parsed.bozo, url
        assert parsed.entries, url
        if url.endswith(".atom"):
            assert atom_schema.validate(etree.fromstring(response.data, PARSER)), url
            assert response.mimetype == "application/atom+xml"


def test_every_feed_answers_conditional_requests_with_304(client, data):
    for url in feed_urls(data):
        first = client.get(url)
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}
                          ).status_code == 304, url
        assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                          ).status_code == 304, url


def test_a_new_event_changes_the_etag(client, app, data):
    etag = client.get("/feeds/updates.atom").headers["ETag"]
    with app.app_context():
        issues.update_issue("access", {"priority": "high"}, SYSTEM)
    response = client.get("/feeds/updates.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "priority: medium → high" in response.get_data(as_text=True)


def test_the_africa_feed_has_african_feedback_and_processes_with_african_participants(
        client, data):
    titles = [e.title for e in feedparser.parse(client.get("/feeds/region/africa.atom").data
                                                ).entries]
    assert any(title.startswith("Feedback on “Draft”") for title in titles)
    assert any(title.startswith("Process “Access network”") for title in titles)
    assert not any(title.startswith("Issue") for title in titles)


def test_an_issue_feed_follows_the_processes_and_consultations_handling_it(client, data):
    titles = [e.title for e in feedparser.parse(client.get("/issues/access/feed.atom").data
                                                ).entries]
    assert any("Issue “Access”" in t for t in titles)
    assert any("Process “Access network”" in t for t in titles)
    assert any("Consultation “Draft”" in t for t in titles)


def test_entries_say_in_words_what_happened_and_have_stable_tag_ids(client, data):
    entries = feedparser.parse(client.get(f"/consultations/{data['consultation']}/feed.atom"
                                          ).data).entries
    feedback_entry = next(e for e in entries if e.title.startswith("Feedback"))
    assert feedback_entry.summary == "New feedback from Ghana (Civil society, African Group)."
    assert "Ama" not in client.get("/feeds/updates.atom").get_data(as_text=True)
    assert re.fullmatch(r"tag:clearinghouse\.example,2026:event/\d+", feedback_entry.id)
    assert feedback_entry.link.endswith(f"/consultations/{data['consultation']}")


def test_hostile_text_in_feedback_reaches_feeds_escaped(client, app, data, atom_schema):
    with app.app_context():
        # Control characters are refused at the door, so hostile markup is what remains.
        feedback.submit(data["consultation"], {
            "stakeholder_group": "government", "country": "BR", "name": HOSTILE[6:],
            "consent_to_publish": True})
    for kind in ("atom", "rss"):
        body = client.get(f"/feeds/updates.{kind}").data
        assert b"<script>" not in body
        assert not feedparser.parse(body).bozo
    assert atom_schema.validate(etree.fromstring(client.get("/feeds/updates.atom").data, PARSER))


def test_unknown_regions_and_groups_have_no_feed(client):
    assert client.get("/feeds/region/mars.atom").status_code == 404
    assert client.get("/feeds/stakeholder/aliens.rss").status_code == 404
    assert client.get("/feeds/updates.xml").status_code == 404


def test_pages_advertise_their_feeds(client, data):
    for url, feed in [("/", "/feeds/updates.atom"), ("/issues/access", "/issues/access/feed.atom"),
                      ("/processes/access-network", "/processes/access-network/feed.atom"),
                      (f"/consultations/{data['consultation']}",
                       f"/consultations/{data['consultation']}/feed.atom")]:
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="alternate" type="application/atom+xml"' in page, url
        assert f'href="{feed}"' in page, url


def test_the_feeds_page_lists_every_regional_and_group_feed(client):
    page = client.get("/feeds").get_data(as_text=True)
    assert page.count("/feeds/region/") == 10
    assert page.count("/feeds/stakeholder/") == 10
    assert "/consultations.ics" in page


def test_the_deadlines_calendar_has_each_consultation_in_utc(client, data):
    response = client.get("/consultations.ics")
    assert response.content_type.startswith("text/calendar")
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    uid = f"consultation-{data['consultation']}-deadline@clearinghouse.example"
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART").tzinfo is not None
    assert b"DTSTART:" in response.data and b"Z\r\n" in response.data
    again = client.get("/consultations.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_process_calendar_has_its_meetings_with_stable_uids(client, data):
    first = client.get("/processes/access-network/calendar.ics").data
    [event] = Calendar.from_ical(first).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Plenary (Access network)"
    assert str(event["LOCATION"]) == "Nairobi"
    assert client.get("/processes/access-network/calendar.ics").data == first
