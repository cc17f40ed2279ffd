"""The reader's language and time zone, and dates and numbers written their way.

The language comes from the `lang` cookie the switcher sets, else the browser's
Accept-Language, else English; the time zone from the `tz` cookie, else UTC. Interface text
is translated with Flask-Babel from the catalogues in clearinghouse/translations.
"""

import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_gmt
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, get_locale, get_timezone, get_translations

from . import vocabulary

# The six official languages of the United Nations, each named in itself.
LANGUAGES = {"en": "English", "ar": "العربية", "zh": "中文", "fr": "Français",
             "ru": "Русский", "es": "Español"}
RIGHT_TO_LEFT = {"ar"}
DEFAULT_LANGUAGE = "en"
DEFAULT_TIMEZONE = "UTC"
YEAR = 365 * 24 * 3600
# The data/ files whose terms are translated; countries are named from Babel's CLDR data.
TRANSLATED_VOCABULARIES = {"action_lines", "categories", "feedback_terms", "levels",
                           "process_terms", "regions", "stages", "stakeholder_groups"}

babel = Babel()


@cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() - {"Factory", "localtime"}))


def select_locale() -> str:
    if not has_request_context():  # the CLI and the indexer write English
        return DEFAULT_LANGUAGE
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def select_timezone() -> str:
    if not has_request_context():
        return DEFAULT_TIMEZONE
    chosen = request.cookies.get("tz")
    return chosen if chosen in timezones() else DEFAULT_TIMEZONE


def language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def zone() -> ZoneInfo:
    return get_timezone() or ZoneInfo(DEFAULT_TIMEZONE)


def timezone_name() -> str:
    return str(zone())


def direction() -> str:
    return "rtl" if language() in RIGHT_TO_LEFT else "ltr"


def remember(response: Response, lang: str | None, tz: str | None) -> Response:
    """Keep the reader's choices for a year; they say nothing about who the reader is."""
    for name, value in (("lang", lang), ("tz", tz)):
        if value:
            response.set_cookie(name, value, max_age=YEAR, samesite="Lax",
                                secure=request.is_secure, httponly=True)
    return response


def vary(response: Response) -> Response:
    """Pages differ by language and time zone: tell shared caches what they depend on."""
    if request.endpoint != "static":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def format_datetime(value: datetime | None) -> str:
    """A moment in the reader's language and time zone, with its offset from UTC."""
    if value is None:
        return ""
    locale, local = language(), value.astimezone(zone())
    offset = get_timezone_gmt(local, "long", locale=locale)
    time = f"{format_time(local, 'short', locale=locale)} {offset}"
    return get_datetime_format("medium", locale=locale).format(
        time, format_date(local, "medium", locale=locale))


# `locale`, where a function takes one, spares a caller that formats many values the
# request-context lookup of the reader's language for each.

def format_day(value: date | datetime | None, locale: str | None = None) -> str:
    """A day in the reader's language; a moment's day where the reader is."""
    if isinstance(value, datetime):
        value = value.astimezone(zone())
    return format_date(value, "medium", locale=locale or language()) if value else ""


def number(value, locale: str | None = None) -> str:
    return "" if value is None else format_decimal(value, locale=locale or language())


def percent(share: float | None, decimals: int = 0, locale: str | None = None) -> str:
    """`share` as a percentage, with up to `decimals` decimal places."""
    if share is None:
        return ""
    return format_percent(round(share, decimals + 2), locale=locale or language(),
                          decimal_quantization=not decimals)


def localised(record, field: str) -> str:
    """A record's `field` in the reader's language when it carries one, else as written."""
    read = record.get if isinstance(record, Mapping) else partial(getattr, record)
    return (read("translations", None) or {}).get(language(), {}).get(field) or read(field)


def translations_from_form(form: Mapping, fields: tuple[str, ...]) -> dict:
    """Fields named translations-<language>-<field>, as a record keeps them; blanks left out."""
    found = {}
    for code in LANGUAGES:
        texts = {field: text for field in fields
                 if (text := form.get(f"translations-{code}-{field}", "").strip())}
        if texts:
            found[code] = texts
    return found


def translations_for_form(translations: Mapping) -> dict[str, str]:
    """The other way: a record's translations as the form's fields."""
    return {f"translations-{code}-{field}": text
            for code, texts in translations.items() for field, text in texts.items()}


def words(items, locale: str | None = None) -> str:
    """A list joined the reader's way: "A, B, and C", "A、B和C", "A, B et C"."""
    return format_list([str(item) for item in items], locale=locale or language())


def language_name(code: str) -> str:
    """An ISO 639-1 language's name in the reader's language, from Babel's CLDR data."""
    return Locale.parse(language()).languages.get(code, code)


def country_name(code: str) -> str:
    """A country's name: in English as our sourced list has it, otherwise from the CLDR
    data Babel carries."""
    english = vocabulary.COUNTRIES[code].name if code in vocabulary.COUNTRIES else code
    if language() == DEFAULT_LANGUAGE:
        return english
    return Locale.parse(language()).territories.get(code, english)


def extract_vocabulary(fileobj, keywords, comment_tags, options):
    """For `pybabel extract` (babel.cfg): the labels, descriptions and titles of the terms
    in a data/ vocabulary file, which templates show with `_(term.label)`."""
    def walk(node):
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            if name := node.get("id") or node.get("code"):  # a term or a line, not a source
                for key in ("label", "description", "title"):
                    if isinstance(node.get(key), str) and node[key]:
                        yield 0, "gettext", node[key], [f"vocabulary term {name}"]
            for value in node.values():
                yield from walk(value)

    path = Path(fileobj.name)
    if path.parent.name == "principles":  # a principles profile: its plain description
        yield 0, "gettext", json.load(fileobj)["description"], [f"profile {path.stem}"]
    elif path.stem in TRANSLATED_VOCABULARIES:
        yield from walk(json.load(fileobj))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # msgids without template indentation
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, safe for an empty label
        gettext=lambda text: get_translations().ugettext(text) if text else text,
        ngettext=lambda one, many, n: get_translations().ungettext(one, many, n),
        newstyle=True)
    app.after_request(vary)
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_day, "date")
    app.add_template_filter(number, "number")
    app.add_template_filter(words, "words")
    app.add_template_filter(language_name, "language_name")
    app.jinja_env.globals.update(languages=LANGUAGES, language=language,
                                 direction=direction, timezone_name=timezone_name,
                                 percent=percent, country_name=country_name,
                                 localised=localised)
