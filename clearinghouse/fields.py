"""Marshmallow fields shared by every domain: vocabulary terms, countries, slugs, text."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime

import pycountry
from flask_babel import gettext, lazy_gettext
from marshmallow import ValidationError, fields, validate

from . import vocabulary
from .i18n import LANGUAGES
from .validation import InputSchema

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Control characters other than tab, newline and carriage return: never meaningful in
# text people write, and illegal in the XML of our feeds.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Term(fields.String):
    """One identifier from a vocabulary, e.g. a stakeholder group or a stage."""

    def __init__(self, terms: Mapping, noun: str, **kwargs):
        super().__init__(validate=self.check, **kwargs)
        self.terms = terms
        self.noun = noun

    def check(self, value: str) -> None:
        if value == "":  # a form's select left at its prompt
            raise ValidationError(gettext("Choose one of the options."))
        if value not in self.terms:
            allowed = ", ".join(self.terms)
            raise ValidationError(f"'{value}' is not {self.noun}; use one of: {allowed}.")

    @property
    def choices(self) -> list[str]:
        return list(self.terms)


class Country(fields.String):
    """An ISO 3166-1 alpha-2 country code, upper-cased."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if code == "":
            raise ValidationError(gettext("Choose a country."))
        if code not in vocabulary.COUNTRIES:
            raise ValidationError(gettext("'%(value)s' is not an ISO 3166-1 alpha-2 country "
                                          "code.", value=value))
        return code


class Slug(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=[validate.Length(1, 80), self.check], **kwargs)

    @staticmethod
    def check(value: str) -> None:
        if not SLUG.match(value):
            raise ValidationError(gettext("'%(value)s' is not a slug: use lower-case letters, "
                                          "digits and single hyphens.", value=value))


# In the reader's language, as a form shows it; marshmallow fills in {min} and {max}.
BETWEEN = lazy_gettext("Use between {min} and {max} characters.")
AT_MOST = lazy_gettext("Use at most {max} characters.")
FEWER = lazy_gettext("Give at most {max}.")
IN_RANGE = lazy_gettext("Give a number from {min} to {max}.")


def at_most(count: int) -> validate.Length:
    """A list of at most `count` items."""
    return validate.Length(max=count, error=FEWER)


def in_range(least: float, most: float) -> validate.Range:
    return validate.Range(least, most, error=IN_RANGE)


class Text(fields.String):
    """Free text with surrounding space trimmed, a length limit and no control characters."""

    def __init__(self, max_length: int, *, min_length: int = 0, **kwargs):
        length = (validate.Length(min_length, max_length, error=BETWEEN) if min_length
                  else validate.Length(max=max_length, error=AT_MOST))
        super().__init__(validate=length, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if CONTROL.search(text):
            raise ValidationError(gettext("Remove the control characters from this text."))
        return text


class Flag(fields.Boolean):
    """true or false, as the document says; not 1, "yes" or "on", which marshmallow takes too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Moment(fields.AwareDateTime):
    """A date and time with its zone, from 1900 to 2999: further out it is a slip of the keys,
    and near year 1 or 9999 it cannot even be written in every time zone."""

    EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)

    def __init__(self, **kwargs):
        metadata = {"description": "With a time zone; from 1900 to 2999.",
                    **kwargs.pop("metadata", {})}
        super().__init__(validate=self.check, metadata=metadata, **kwargs)

    def check(self, value: datetime) -> None:
        if not self.EARLIEST <= value < self.LATEST:
            raise ValidationError(gettext("Give a time from 1900 to 2999, with its time "
                                          "zone."))


def term_list(terms: Mapping, noun: str, **kwargs) -> fields.List:
    return fields.List(Term(terms, noun), **kwargs)


class Language(fields.String):
    """An ISO 639-1 language code, lower-cased."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            raise ValidationError(gettext("'%(value)s' is not an ISO 639-1 language code.",
                                          value=value))
        return code


def in_languages(texts: type[InputSchema]) -> fields.Dict:
    """A record's own words in other interface languages, shown to readers of that language:
    {"fr": {"title": …, "summary": …}}, each language giving any of the fields of `texts`."""
    return fields.Dict(
        keys=Term(LANGUAGES, "an interface language"),
        values=fields.Nested(texts),
        load_default=dict,
        metadata={"description": f"By language ({', '.join(LANGUAGES)}): "
                                 f"{', '.join(texts._declared_fields)} in that language."},
    )
