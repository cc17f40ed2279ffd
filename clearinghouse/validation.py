"""Loading input through marshmallow schemas, with errors a person can act on."""

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError

from .exceptions import InvalidInput


def N_(message: str) -> str:
    """Mark `message` for the catalogues; it is translated where it is shown."""
    return message


# Marshmallow's own messages for a value of the wrong kind, as it writes them, so that the
# catalogues carry them and `flatten` gives them in the reader's language.
LIBRARY_MESSAGES = frozenset((
    N_("Missing data for required field."), N_("Field may not be null."),
    N_("Invalid value."), N_("Invalid type."), N_("Not a valid string."),
    N_("Not a valid integer."), N_("Not a valid number."), N_("Number too large."),
    N_("Not a valid boolean."), N_("Not a valid list."), N_("Not a valid mapping type."),
    N_("Not a valid URL."), N_("Not a valid email address."), N_("Not a valid date."),
    N_("Not a valid datetime."), N_("Not a valid aware datetime."),
))


class InputSchema(Schema):
    """Base of every input schema: an unknown field is refused with a message that helps."""

    error_messages = {  # noqa: RUF012 — marshmallow merges this class attribute
        "unknown": "Not a field this accepts: check the spelling against /api/v1/openapi.json.",
        "type": "Send an object of named fields.",
    }


class Partial:
    """Mixed into a PATCH's schema: any top-level field may be left out, but every row sent
    (a participant, an event) must be whole; set on the instance, the OpenAPI document says so."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial = tuple(self.fields)


def load(schema: Schema, data: Any, *, partial: bool = False) -> dict:
    if not isinstance(data, Mapping):
        raise InvalidInput("The input must be an object of named fields.")
    # Partial at the top level only: a PATCH may leave fields out, but every row it
    # sends (a participant, an event) must be whole. partial=True would reach into them.
    top_level = tuple(schema.fields) if partial else False
    try:
        return schema.load(data, partial=top_level)
    except ValidationError as error:
        errors = flatten(error.normalized_messages())
        raise InvalidInput(summarise(errors), errors) from None


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"aspects": {0: ["Too long."]}} -> {"aspects.0": ["Too long."]}."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
        return flat
    if isinstance(messages, str):
        messages = [messages]
    return {prefix or "_schema": [gettext(message) if message in LIBRARY_MESSAGES
                                  else str(message) for message in messages]}


def summarise(errors: dict[str, list[str]]) -> str:
    return " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
