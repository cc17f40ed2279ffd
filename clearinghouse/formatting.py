"""What templates share: safe Markdown, readable dates and values, the vocabularies."""

from datetime import datetime

import nh3
from flask import Flask
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


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def format_date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def format_value(value, limit: int = 300) -> str:
    """A recorded field value in a line of history: lists joined, long text cut."""
    if value is None or value == [] or value == "":
        return "(empty)"
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return f"{len(value)} {'entry' if len(value) == 1 else 'entries'}"
    if isinstance(value, dict):
        value = [f"{key}: {item}" for key, item in value.items()]
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def yes_no(value: bool | None) -> str:
    return "Unknown" if value is None else "Yes" if value else "No"


def init_app(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_value, "value")
    app.jinja_env.globals.update(
        vocabulary=vocabulary, page_url=activity.page_url, charts=charts, percent=percent,
        yes_no=yes_no,
        region_labels={region: term.label for region, term in vocabulary.REGIONS.items()},
    )
