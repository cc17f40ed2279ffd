"""The processes pages: scorecard, participation, power, staff forms, check page, gaps."""

from html import unescape

import pytest

from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.database import transaction
from clearinghouse.issues import service as issues
from clearinghouse.processes import service
from tests.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("access_issue")
SLUG = "policy-network-on-meaningful-access"


@pytest.fixture
def registered(app, record):
    with app.app_context():
        service.create_process(record, SYSTEM)


def text(response) -> str:
    """The page as a reader sees it: entities decoded, runs of white space as one space,
    the invisible marks that isolate a record's words from the sentence's direction gone."""
    page = unescape(response.get_data(as_text=True)).translate({0x2068: None, 0x2069: None})
    return " ".join(page.split())


def form(**fields) -> dict:
    """A filled-in process form: a consensus process with every group in two regions."""
    grid = {f"participants-{group}-{region}": "2"
            for group in ("government", "private_sector", "civil_society", "technical_academic",
                          "intergovernmental") for region in ("africa", "asia_pacific")}
    return {"name": "Access coalition", "stage": "deliberation", "aim": "Connect the rest.",
            "modalities": "Monthly open calls.", "issues": "access", "rule-kind": "consensus",
            "participation": ["open", "remote"], "languages": "en, fr", **grid, **fields}


def test_the_process_page_shows_the_scorecard_with_its_reasons(client, registered):
    page = text(client.get(f"/processes/{SLUG}"))
    assert "No group or region decides alone" in page
    assert ("The Governments bloc holds 6 of 10 seats in the Council (more than half needed): "
            "it can decide alone.") in page
    assert 'class="verdict verdict-fails">Fails</span>' in page


def test_the_process_page_shows_participation_as_a_chart_and_a_table(client, registered):
    page = text(client.get(f"/processes/{SLUG}"))
    assert '<svg' in page and 'role="img"' in page
    assert ("<caption>Participants by stakeholder group (rows) and region (columns)</caption>"
            in page)


def test_the_timeline_shows_the_notice_each_event_got(client, registered):
    assert "announced 46 days ahead" in text(client.get(f"/processes/{SLUG}"))


def test_an_editor_registers_a_process_through_the_grid_form(client, login):
    login("editor")
    response = client.post("/processes/new", data={
        **form(), "csrf_token": csrf_token(client, "/processes/new")})
    assert response.status_code == 303
    page = text(client.get("/processes/access-coalition"))
    assert "All stakeholder groups take part" in page
    with client.application.app_context():
        process = service.get_process("access-coalition")
        assert sum(p.count for p in process.participants) == 20
        assert process.decision_rule == {"kind": "consensus"}


def test_a_vote_is_entered_as_chambers_with_seat_grids(client, login):
    login("editor")
    data = {**form(), "rule-kind": "vote", "chambers-0-name": "Council",
            "chambers-0-pass": "two_thirds", "chambers-0-government-africa": "4",
            "chambers-0-civil_society-asia_pacific": "2",
            "csrf_token": csrf_token(client, "/processes/new")}
    assert client.post("/processes/new", data=data).status_code == 303
    with client.application.app_context():
        rule = service.get_process("access-coalition").decision_rule
    assert rule["chambers"][0]["pass"] == "two_thirds"
    assert {(s["stakeholder_group"], s["count"]) for s in rule["chambers"][0]["seats"]} == {
        ("government", 4), ("civil_society", 2)}


def test_editing_another_field_keeps_participants_recorded_by_country(client, login, app,
                                                                      record):
    email = login("editor")
    with app.app_context():
        from clearinghouse.auth.service import actor_for, find_user
        service.create_process(record, actor_for(find_user(email)))
    url = f"/processes/{SLUG}/edit"
    page = client.get(url)
    fields = dict(parse_form(text(page)))
    fields.update({"convener": "IGF Secretariat", "csrf_token": csrf_token(client, url)})
    assert client.post(url, data=fields).status_code == 303
    with app.app_context():
        process = service.get_process(SLUG)
        assert process.convener == "IGF Secretariat"
        assert [p.country for p in process.participants] == ["KE", "BR"]


def parse_form(page: str):
    """The named inputs, selects and checked boxes of the page's form, as a browser sends them."""
    import re
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        yield name, value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        if chosen:
            yield name, chosen.group(1)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        yield name, body


def test_bad_grid_counts_are_shown_in_the_form_and_nothing_is_saved(client, login):
    login("editor")
    data = {**form(), "participants-government-africa": "many",
            "csrf_token": csrf_token(client, "/processes/new")}
    response = client.post("/processes/new", data=data)
    assert response.status_code == 422
    assert "'many' for Governments in the African Group is not a whole number." in text(response)
    assert client.get("/processes/access-coalition").status_code == 404


def test_anyone_can_check_a_design_without_storing_it(client):
    data = {**form(), "csrf_token": csrf_token(client, "/processes/check")}
    response = client.post("/processes/check", data=data)
    page = text(response)
    assert response.status_code == 200
    assert "How this design measures up" in page
    assert "Decisions are taken by consensus: each of the 20 participants can block." in page
    assert client.get("/api/v1/processes").json["total"] == 0


def test_the_issue_page_lists_its_processes_and_says_it_is_a_gap(client, registered):
    page = text(client.get("/issues/access"))
    assert "Policy Network on Meaningful Access" in page
    assert "Gap:" in page
    assert "every process handling this issue fails the principles." in page


def test_gaps_lists_uncovered_issues_most_urgent_first(client, app, registered):
    with app.app_context():
        issues.create_issue({"title": "Spam", "category": "internet_governance",
                             "priority": "low"}, SYSTEM)
        issues.create_issue({"title": "Privacy", "category": "internet_governance",
                             "priority": "high"}, SYSTEM)
    page = text(client.get("/gaps"))
    assert page.index("Privacy") < page.index("Access") < page.index("Spam")


def test_the_principles_page_states_the_profile_thresholds(client):
    page = text(client.get("/principles"))
    assert "at least 30 days ahead" in page
    assert "at least 10% of the participants" in page


def test_the_edit_form_offers_next_stages_and_labels_the_rest_as_jumps(client, login, app,
                                                                       record):
    email = login("editor")
    with app.app_context():
        from clearinghouse.auth.service import actor_for, find_user
        service.create_process(record, actor_for(find_user(email)))
    page = text(client.get(f"/processes/{SLUG}/edit"))
    in_order, jumps = page.split('<optgroup label="Out of order (recorded as a jump)">')
    assert "Implementation:" in in_order.split('id="stage"')[1]
    assert "Proposed:" in jumps.split("</optgroup>")[0]


def test_gaps_pages_partly_covered_issues_separately_and_refuses_unknown_lists(
        client, app, registered):
    with app.app_context():
        issues.create_issue({"title": "Spam", "category": "internet_governance",
                             "priority": "low"}, SYSTEM)
        spam = service.create_process({"name": "Anti-spam group", "issues": ["spam"]}, SYSTEM)
        with transaction():  # judged in part, as a process with some of its record would be
            spam.verdict = "partial"
    gaps, partial = text(client.get("/gaps")), text(client.get("/gaps?show=partial"))
    assert "No adequate process (1)" in gaps and "Partially covered (1)" in gaps
    assert "Access" in gaps and "Spam" not in gaps
    assert "Spam" in partial and "Access" not in partial
    assert client.get("/gaps?show=covered").status_code == 422


def test_a_processs_languages_are_named_in_the_readers_language(client, registered):
    assert "<dt>Languages</dt><dd>English and French</dd>" in text(client.get(f"/processes/{SLUG}"))
    french = text(client.get(f"/processes/{SLUG}", headers={"Accept-Language": "fr"}))
    assert "<dd>anglais et français</dd>" in french
    chinese = text(client.get(f"/processes/{SLUG}", headers={"Accept-Language": "zh"}))
    assert "<dd>英语和法语</dd>" in chinese
