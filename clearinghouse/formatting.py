"""What templates share: safe Markdown, readable dates and values, the vocabularies."""

import nh3
from flask import Flask
from flask_babel import gettext, lazy_gettext, ngettext
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import activity, charts, vocabulary

# CommonMark with raw HTML off; nh3 then keeps only these tags, whatever gets through.
markdown = MarkdownIt("commonmark", {"html": False})
ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
}


def render_markdown(text: str | None) -> Markup:
    html = markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)  # nosec B704


def format_value(value, limit: int = 300) -> str:
    """A recorded field value in a line of history: lists joined, long text cut."""
    if value is None or value == [] or value == "":
        return gettext("(empty)")
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return ngettext("%(num)d entry", "%(num)d entries", len(value))
    if isinstance(value, dict):
        value = [f"{key}: {item}" for key, item in value.items()]
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The recorded fields of issues and processes, as a record's history names them.
FIELD_LABELS = {
    "title": lazy_gettext("Title"), "summary": lazy_gettext("Summary"),
    "description": lazy_gettext("Description"), "category": lazy_gettext("Category"),
    "action_lines": lazy_gettext("WSIS Action Lines"), "aspects": lazy_gettext("Aspects"),
    "priority": lazy_gettext("Priority"), "controversy": lazy_gettext("Controversy"),
    "translations": lazy_gettext("In other languages"), "name": lazy_gettext("Name"),
    "issues": lazy_gettext("Issues"), "convener": lazy_gettext("Convener"),
    "stage": lazy_gettext("Stage"), "aim": lazy_gettext("Aim"),
    "modalities": lazy_gettext("Modalities"), "significance": lazy_gettext("Significance"),
    "intended_outcomes": lazy_gettext("Intended outcomes"),
    "delegated_to": lazy_gettext("Delegated to"), "participation": lazy_gettext("Participation"),
    "recourse": lazy_gettext("Recourse"), "languages": lazy_gettext("Languages"),
    "events": lazy_gettext("Events"), "documents": lazy_gettext("Documents"),
    "participants": lazy_gettext("Participants"), "decision_rule": lazy_gettext("Decision rule"),
    "illustrative": lazy_gettext("Illustrative parts"),
}


# What happened, in a few words, for the lists of recent changes.
EVENT_WORDS = {
    ("issue", "created"): lazy_gettext("issue created"),
    ("issue", "updated"): lazy_gettext("issue updated"),
    ("process", "created"): lazy_gettext("process registered"),
    ("process", "updated"): lazy_gettext("process updated"),
    ("process", "stage_jumped"): lazy_gettext("process stage changed out of order"),
    ("process", "steward_added"): lazy_gettext("process steward added"),
    ("process", "verdict_changed"): lazy_gettext("process verdict changed"),
    ("consultation", "created"): lazy_gettext("consultation opened"),
    ("consultation", "updated"): lazy_gettext("consultation updated"),
    ("consultation", "answered"): lazy_gettext("feedback answered"),
    ("submission", "published"): lazy_gettext("feedback published"),
    ("submission", "withdrawn"): lazy_gettext("feedback withdrawn"),
    ("submission", "rejected"): lazy_gettext("feedback rejected"),
    ("submission", "pending"): lazy_gettext("feedback held for moderation"),
}


def event_words(event) -> str:
    words = EVENT_WORDS.get((event.record_type, event.action))
    return str(words) if words else f"{event.record_type} {event.action.replace('_', ' ')}"


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field) or field.replace("_", " "))


def yes_no(value: bool | None) -> str:
    return gettext("Unknown") if value is None else gettext("Yes") if value else gettext("No")


def init_app(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_value, "value")
    app.jinja_env.globals.update(
        vocabulary=vocabulary, page_url=activity.page_url, charts=charts, yes_no=yes_no,
        field_label=field_label, event_words=event_words,
        region_labels={region: term.label for region, term in vocabulary.REGIONS.items()},
    )
