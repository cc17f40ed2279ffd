"""What keyboard and screen-reader users rely on, checked in the HTML without a browser: the page
language, a skip link, a label for every field, errors tied to their fields, focusable scrolling
tables. bench/a11y.py runs axe-core over the seeded site in Chromium for the rest."""

from html.parser import HTMLParser

import pytest

from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.processes import service as processes
from tests.conftest import csrf_token

PUBLIC_PAGES = ["/", "/issues", "/processes", "/processes/check", "/consultations", "/gaps",
                "/search?q=access", "/feeds", "/principles", "/login"]


class Page(HTMLParser):
    """The elements of a page as (tag, attributes) in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str | None = None, **attrs) -> list[dict]:
        return [found for name, found in self.elements if (tag is None or name == tag)
                and all(found.get(key.rstrip("_")) == value for key, value in attrs.items())]

    def ids(self) -> set[str]:
        return {found["id"] for _, found in self.elements if "id" in found}

    def unlabelled_fields(self) -> list[dict]:
        labelled = {label["for"] for label in self.find("label") if "for" in label}
        return [field for tag, field in self.elements
                if tag in ("input", "select", "textarea")
                and field.get("type") not in ("hidden", "submit")
                and field.get("id") not in labelled
                and not field.get("aria-labelledby") and not field.get("aria-label")]


def page(client, url: str) -> Page:
    return Page(client.get(url).get_data(as_text=True))


@pytest.fixture
def process(app):
    with app.app_context():
        return processes.create_process({
            "name": "Access coalition", "stage": "deliberation", "aim": "Connect the rest.",
            "participants": [{"stakeholder_group": "government", "region": "africa",
                              "count": 3}],
            "decision_rule": {"kind": "unilateral",
                              "decider": {"stakeholder_group": "government"}},
        }, SYSTEM).slug


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_names_its_language_and_starts_with_a_skip_link_to_the_content(client, url):
    found = page(client, url)
    assert found.find("html", lang="en")
    first_link = next(attrs for tag, attrs in found.elements if tag in ("a", "button", "input"))
    assert first_link == {"class": "skip-link", "href": "#main"}
    assert found.find("main", id="main", tabindex="-1")


@pytest.mark.parametrize("url", ["/processes/check", "/login", "/issues", "/processes",
                                 "/consultations", "/search?q=x"])
def test_every_field_of_a_public_form_has_a_label(client, url):
    assert page(client, url).unlabelled_fields() == []


@pytest.mark.parametrize("url", ["/issues/new", "/processes/new", "/consultations/new"])
def test_every_field_of_a_staff_form_has_a_label(client, login, process, url):
    login("admin")
    assert client.get(url).status_code == 200
    assert page(client, url).unlabelled_fields() == []


@pytest.mark.parametrize("url", ["/issues/new", "/processes/new", "/consultations/new"])
def test_a_form_sent_back_announces_its_errors_and_ties_each_to_its_field(client, login,
                                                                           process, url):
    login("admin")
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 422
    found = Page(response.get_data(as_text=True))
    summary = found.find("div", class_="error-summary", role="alert")
    assert summary and "autofocus" in summary[0]  # read out first, without script
    described = " ".join(attrs.get("aria-describedby", "") for _, attrs in found.elements).split()
    errors = [attrs["id"] for attrs in found.find(class_="field-error")]
    assert errors and all(error in described for error in errors)
    targets = [attrs["href"][1:] for tag, attrs in found.elements
               if tag == "a" and attrs.get("href", "").startswith("#") and attrs["href"] != "#main"]
    assert targets and set(targets) <= found.ids()


def test_a_wide_table_scrolls_in_a_labelled_region_the_keyboard_can_reach(client, process):
    regions = page(client, f"/processes/{process}").find("div", class_="table-scroll")
    assert len(regions) == 3  # participation, and power by group and by region
    for region in regions:
        assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"]


def test_charts_are_images_named_by_their_title_and_description(client, process):
    found = page(client, f"/processes/{process}")
    charts = found.find("svg")
    assert len(charts) == 3
    for chart in charts:
        title, desc = chart["aria-labelledby"].split()
        assert chart["role"] == "img" and {title, desc} <= found.ids()
