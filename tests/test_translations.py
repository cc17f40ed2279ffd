"""Every word of the interface goes through Flask-Babel, and every language has it all."""

import re
from html.parser import HTMLParser

import pytest
from babel.messages import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from clearinghouse import ROOT
from clearinghouse.i18n import LANGUAGES

TEMPLATES = ROOT / "templates"
CATALOGUES = ROOT / "clearinghouse" / "translations"
# Names that are the same in every language.
UNTRANSLATED = {"Clearinghouse", "Atom", "RSS", "iCalendar", "CSV", "JSON", "OpenAPI", "Markdown"}
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
HOLE = " "  # where a Jinja expression or tag stood


def literal_html(source: str, env) -> str:
    """The template's own markup and text, each Jinja expression or tag replaced by a hole
    and each {% trans %} block left out: whatever words remain are not translated."""
    parts, depth, previous = [], 0, None
    for _line, kind, value in env.lex(source):
        if previous == "block_begin" and kind == "name":  # the tag's name
            depth += {"trans": 1, "endtrans": -1}.get(value, 0)
        if kind == "data" and not depth:
            parts.append(value)
        elif kind in ("variable_begin", "block_begin"):
            parts.append(HOLE)
        if kind != "whitespace":
            previous = kind
    return "".join(parts)


class Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def keep(self, text: str) -> None:
        words = text.split()
        if any(re.search(r"[^\W\d_]{2,}", word) and word.strip(".,:;()·") not in UNTRANSLATED
               for word in words):
            self.found.append(" ".join(words))

    def handle_data(self, data):
        self.keep(data)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.keep(value)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_template_word_goes_through_gettext(app, template):
    parser = Words()
    parser.feed(literal_html(template.read_text(encoding="utf-8"), app.jinja_env))
    assert not parser.found, "\n".join(["text outside _() or {% trans %}:", *parser.found])


@pytest.fixture(scope="module")
def extracted():
    """The messages the code and templates ask for today, extracted afresh."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        methods, options = parse_mapping_cfg(config)
    catalogue = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, methods, options):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments,
                      context=context)
    return {message.id: message for message in catalogue if message.id}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w+\}", text))


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_message_is_translated(extracted, language):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {message.id: message for message in read_po(handle) if message.id}
    missing = [key for key in extracted
               if key not in catalogue or not catalogue[key].string or catalogue[key].fuzzy]
    assert missing == [], f"{len(missing)} messages untranslated in {language}"
    for key in extracted:
        strings = catalogue[key].string
        if isinstance(key, tuple):  # a plural form may leave the number to its words
            allowed = placeholders(key[0]) | placeholders(key[1]) | {"%(num)d"}
            assert all(placeholders(string) <= allowed for string in strings), (key, strings)
        else:
            assert placeholders(strings) == placeholders(key), (key, strings)
